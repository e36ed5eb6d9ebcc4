-- Issue 3: the Amazon Pay simulator's own state, pending connector operations (for the
-- reconciler) and the hosted authorization page's per-attempt sessions.

-- The simulated processor keeps its own records, as Amazon Pay would: checkout sessions, charge
-- permissions, charges and refunds. `reference` is onfile's idempotency reference for the call
-- that created the row, so a retried call finds the row it made the first time.
CREATE TABLE amazon_pay_simulator (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  kind TEXT NOT NULL,
  reference TEXT NOT NULL,
  state TEXT NOT NULL,
  data TEXT NOT NULL,
  created BIGINT NOT NULL,
  updated BIGINT NOT NULL
);
CREATE UNIQUE INDEX amazon_pay_simulator_reference ON amazon_pay_simulator(account_id, livemode, kind, reference);

-- A state change that waits on a connector call: written in the transaction before the call,
-- deleted in the transaction that applies its result. Whatever is left here after a crash is
-- finished by the reconciler.
CREATE TABLE connector_operations (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  kind TEXT NOT NULL,
  object_id TEXT NOT NULL,
  data TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_run_ms BIGINT NOT NULL
);
CREATE INDEX connector_operations_due ON connector_operations(next_run_ms);

-- One row per redirect authorization (per attempt). The URL carries a random token; only its
-- SHA-256 is stored, so the table never holds a usable link.
CREATE TABLE redirect_sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  intent_type TEXT NOT NULL,
  intent_id TEXT NOT NULL,
  attempt_id TEXT NOT NULL,
  state TEXT NOT NULL,
  outcome TEXT,
  created BIGINT NOT NULL,
  completed BIGINT
);
CREATE INDEX redirect_sessions_intent ON redirect_sessions(intent_id);
