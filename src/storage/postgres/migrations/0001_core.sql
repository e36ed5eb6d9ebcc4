-- data columns are TEXT, not jsonb: jsonb reorders keys, and both engines must render objects byte-for-byte alike.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  created BIGINT NOT NULL,
  is_default BIGINT NOT NULL DEFAULT 0,
  data TEXT NOT NULL
);

-- Keys are stored as SHA-256 hashes; publishable keys are public by design, so their text is kept.
CREATE TABLE api_keys (
  key_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  redacted TEXT NOT NULL,
  publishable TEXT,
  created BIGINT NOT NULL
);
CREATE INDEX api_keys_account ON api_keys(account_id);

-- Every Stripe object is a row: `data` is the object as Stripe renders it (secret-key view),
-- `internal` is onfile's own bookkeeping that is never rendered. `seq` orders lists, so pagination
-- stays stable while rows are inserted; `customer`, `parent` and `lookup` are the filter columns.
CREATE TABLE objects (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  type TEXT NOT NULL,
  created BIGINT NOT NULL,
  version BIGINT NOT NULL,
  customer TEXT,
  parent TEXT,
  lookup TEXT,
  data TEXT NOT NULL,
  internal TEXT NOT NULL
);
CREATE INDEX objects_list ON objects(account_id, livemode, type, seq);
CREATE INDEX objects_customer ON objects(account_id, livemode, type, customer, seq) WHERE customer IS NOT NULL;
CREATE INDEX objects_parent ON objects(account_id, livemode, type, parent, seq) WHERE parent IS NOT NULL;
CREATE INDEX objects_lookup ON objects(account_id, livemode, type, lookup, seq) WHERE lookup IS NOT NULL;

CREATE TABLE idempotency_keys (
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL,
  locked_until BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  response_status BIGINT,
  response_body TEXT,
  created BIGINT NOT NULL,
  PRIMARY KEY (account_id, livemode, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created);

CREATE TABLE events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  type TEXT NOT NULL,
  created BIGINT NOT NULL,
  object_id TEXT,
  request_id TEXT,
  idempotency_key TEXT,
  data TEXT NOT NULL
);
CREATE INDEX events_list ON events(account_id, livemode, seq);
CREATE INDEX events_type ON events(account_id, livemode, type, seq);
CREATE INDEX events_idempotency ON events(account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
