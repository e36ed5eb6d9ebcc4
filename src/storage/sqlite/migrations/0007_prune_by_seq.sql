-- Retention walks events and idempotency keys in the order they were written (their seq) instead of
-- by an index on `created`: every create paid two index inserts, one per table, for an hourly prune.
-- Keys get a seq of their own (the rowid, named); the claim's unique key stays as it was.
DROP INDEX IF EXISTS events_created;
CREATE TABLE idempotency_keys_seq (
  seq INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  livemode INTEGER NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL,
  locked_until INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  response_status INTEGER,
  response_body TEXT,
  created INTEGER NOT NULL,
  object_type TEXT,
  object_id TEXT,
  UNIQUE (account_id, livemode, key)
);
INSERT INTO idempotency_keys_seq (account_id, livemode, key, method, path, fingerprint, state, locked_until, request_id, response_status, response_body, created, object_type, object_id)
  SELECT account_id, livemode, key, method, path, fingerprint, state, locked_until, request_id, response_status, response_body, created, object_type, object_id
  FROM idempotency_keys ORDER BY created, rowid;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_seq RENAME TO idempotency_keys;
