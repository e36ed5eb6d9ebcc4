-- Retention walks events and idempotency keys in the order they were written (their seq) instead of
-- by an index on `created` (as on SQLite, where every create paid two index inserts for an hourly
-- prune). Keys get a seq of their own; existing keys are numbered in the order they were created.
DROP INDEX IF EXISTS events_created;
ALTER TABLE idempotency_keys ADD COLUMN seq BIGINT;
CREATE SEQUENCE idempotency_keys_seq_seq OWNED BY idempotency_keys.seq;
UPDATE idempotency_keys k SET seq = o.n
  FROM (SELECT account_id, livemode, key, nextval('idempotency_keys_seq_seq') AS n
        FROM (SELECT account_id, livemode, key FROM idempotency_keys ORDER BY created, key) ordered) o
  WHERE k.account_id = o.account_id AND k.livemode = o.livemode AND k.key = o.key;
ALTER TABLE idempotency_keys ALTER COLUMN seq SET DEFAULT nextval('idempotency_keys_seq_seq');
ALTER TABLE idempotency_keys ALTER COLUMN seq SET NOT NULL;
CREATE INDEX idempotency_keys_seq ON idempotency_keys(seq);
DROP INDEX IF EXISTS idempotency_keys_created;
