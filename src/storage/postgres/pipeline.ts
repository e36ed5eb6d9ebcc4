import pg from 'pg';

/**
 * Connections in pg's pipeline mode, shared by every request of the process for statements that never
 * wait on a lock (autocommit reads, idempotency claims): a statement is written without waiting for
 * the answers before it, and the statements issued during one turn of the event loop leave in one
 * write, when the turn ends. A pooled connection per statement instead costs a write and a wake-up of
 * a sleeping database process for each, which was most of a read's CPU.
 *
 * Nothing that can wait on a row lock may come here: a transaction holding that lock could be
 * waiting for an answer queued behind it on the same connection, a cycle the database cannot see.
 */
export class SharedConnections {
  private readonly lanes: Lane[];
  private flushScheduled = false;
  private ended = false;

  constructor(
    private readonly config: pg.ClientConfig,
    size: number,
  ) {
    this.lanes = Array.from({ length: size }, () => ({ client: null, connecting: null, inflight: 0, corked: false }));
  }

  async connect(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => this.open(lane)));
  }

  async query(config: pg.QueryConfig): Promise<pg.QueryResult> {
    let lane: Lane | undefined;
    for (const l of this.lanes) if (l.client && (!lane || l.inflight < lane.inflight)) lane = l;
    if (!lane) {
      // Every connection was lost: wait for the first one back.
      lane = this.lanes[0];
      await this.open(lane);
      return this.query(config);
    }
    const client = lane.client!;
    if (!lane.corked) {
      lane.corked = true;
      client.connection.stream.cork();
      this.scheduleFlush();
    }
    lane.inflight++;
    const done = () => lane.inflight--;
    const result = client.query(config);
    result.then(done, done);
    return result;
  }

  async end(): Promise<void> {
    this.ended = true;
    this.flush();
    await Promise.all(this.lanes.map((lane) => lane.client?.end().catch(() => undefined)));
    for (const lane of this.lanes) lane.client = null;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const lane of this.lanes) {
      if (!lane.corked) continue;
      lane.corked = false;
      lane.client?.connection.stream.uncork();
    }
  }

  private open(lane: Lane): Promise<void> {
    if (lane.client) return Promise.resolve();
    lane.connecting ??= (async () => {
      const client = new pg.Client({ ...this.config, pipeline: true } as pg.ClientConfig);
      // A lost connection fails the statements in flight on it (pg rejects each); later ones go to
      // the other lanes, or to a fresh connection.
      const lost = () => {
        if (lane.client !== client) return;
        lane.client = null;
        lane.corked = false;
        lane.inflight = 0;
        client.end().catch(() => undefined);
        if (!this.ended) this.open(lane).catch(() => undefined);
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        lane.client = client;
      } finally {
        lane.connecting = null;
      }
    })();
    return lane.connecting;
  }
}

interface Lane {
  client: pg.Client | null;
  connecting: Promise<void> | null;
  inflight: number;
  corked: boolean;
}
