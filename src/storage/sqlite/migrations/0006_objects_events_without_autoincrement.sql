-- objects and events keep `seq INTEGER PRIMARY KEY` (the rowid) without AUTOINCREMENT. AUTOINCREMENT
-- reads and rewrites the sqlite_sequence row on every insert, which cost about a sixth of the SQL time
-- of a create. A rowid is still one more than the largest in the table: events are pruned from the
-- oldest and the newest is never pruned (pruneEvents), so event seqs, which event streams resume
-- from, only grow. An object row is deleted only with its webhook endpoint, and no seq of a deleted
-- object is ever looked up again (cursors are ids).
CREATE TABLE objects_rowid (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  livemode INTEGER NOT NULL,
  type TEXT NOT NULL,
  created INTEGER NOT NULL,
  version INTEGER NOT NULL,
  customer TEXT,
  parent TEXT,
  lookup TEXT,
  data TEXT NOT NULL,
  internal TEXT NOT NULL
);
INSERT INTO objects_rowid (seq, id, account_id, livemode, type, created, version, customer, parent, lookup, data, internal)
  SELECT seq, id, account_id, livemode, type, created, version, customer, parent, lookup, data, internal FROM objects ORDER BY seq;
DROP TABLE objects;
ALTER TABLE objects_rowid RENAME TO objects;
CREATE INDEX objects_list ON objects(account_id, livemode, type, seq);
CREATE INDEX objects_customer ON objects(account_id, livemode, type, customer, seq) WHERE customer IS NOT NULL;
CREATE INDEX objects_parent ON objects(account_id, livemode, type, parent, seq) WHERE parent IS NOT NULL;
CREATE INDEX objects_lookup ON objects(account_id, livemode, type, lookup, seq) WHERE lookup IS NOT NULL;

CREATE TABLE events_rowid (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  livemode INTEGER NOT NULL,
  type TEXT NOT NULL,
  created INTEGER NOT NULL,
  object_id TEXT,
  request_id TEXT,
  idempotency_key TEXT,
  data TEXT NOT NULL,
  pending_webhooks INTEGER NOT NULL DEFAULT 0
);
INSERT INTO events_rowid (seq, id, account_id, livemode, type, created, object_id, request_id, idempotency_key, data, pending_webhooks)
  SELECT seq, id, account_id, livemode, type, created, object_id, request_id, idempotency_key, data, pending_webhooks FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_rowid RENAME TO events;
CREATE INDEX events_list ON events(account_id, livemode, seq);
CREATE INDEX events_type ON events(account_id, livemode, type, seq);
CREATE INDEX events_created ON events(created);
