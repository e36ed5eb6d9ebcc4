import type pg from 'pg';

/**
 * Keeps the planner's statistics of onfile's tables close to their contents. Autovacuum analyzes a
 * table once 10% of it changed, but looks only every minute (autovacuum_naptime): a fresh database
 * that fills fast (a test suite, a bulk load) is planned for empty tables meanwhile. Without
 * statistics, a lookup by id and a walk of the account's list index cost the same to the planner,
 * and it picked the walk: a retrieve read every customer of the account (seen: 700 instead of
 * 6,000 reads/s after 2,000 creates). This applies autovacuum's own rule every few seconds instead.
 */
export function keepStatistics(pool: pg.Pool, everyMs = 2_000): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => analyzeChanged(pool)).then(
      () => undefined,
      () => undefined,
    );
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Tables of this schema that changed by more than autovacuum's analyze threshold since their last ANALYZE. */
export async function analyzeChanged(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ relname: string }>(
    `SELECT relname FROM pg_stat_user_tables
     WHERE schemaname = current_schema() AND relname <> 'schema_migrations'
       AND n_mod_since_analyze >= ${THRESHOLD} + ${SCALE_FACTOR} * n_live_tup`,
  );
  const analyzed: string[] = [];
  for (const { relname } of rows) {
    // Names come from the catalog, quoted as identifiers all the same.
    await pool.query(`ANALYZE "${relname.replace(/"/g, '""')}"`);
    analyzed.push(relname);
  }
  return analyzed;
}

/** autovacuum_analyze_threshold and autovacuum_analyze_scale_factor's defaults. */
const THRESHOLD = 50;
const SCALE_FACTOR = 0.1;
