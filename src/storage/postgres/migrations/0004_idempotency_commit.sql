-- The state-change transaction of a request with an Idempotency-Key records the object it wrote,
-- so a retry after a crash between that commit and the stored response replays the object
-- instead of executing the request a second time.
ALTER TABLE idempotency_keys ADD COLUMN object_type TEXT;
ALTER TABLE idempotency_keys ADD COLUMN object_id TEXT;

-- At most one default account, even when several processes start on an empty database at once.
CREATE UNIQUE INDEX accounts_one_default ON accounts(is_default) WHERE is_default = 1;
