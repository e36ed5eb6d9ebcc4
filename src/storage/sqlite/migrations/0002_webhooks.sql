-- Events, webhook delivery and the request log (issue 5).

-- Endpoints that have not yet acknowledged an event (https://docs.stripe.com/api/events/object#event_object-pending_webhooks).
-- Kept as a column, not inside `data`, so a delivery can count it down without rewriting the event.
ALTER TABLE events ADD COLUMN pending_webhooks INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_created ON events(created);

-- The outbox: one row per (event, endpoint), written in the event's transaction. A dispatcher claims due
-- rows by setting a lease; an expired lease (a process that died mid-delivery) makes the row claimable again.
-- Times in webhook_deliveries and webhook_attempts are milliseconds since the epoch.
CREATE TABLE webhook_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL,
  livemode INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  -- pending | succeeded | failed | canceled
  status TEXT NOT NULL,
  -- attempts made so far, and the position in the retry schedule (a manual resend jumps to its end)
  attempts INTEGER NOT NULL DEFAULT 0,
  retry_index INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  -- the endpoint's api_version at enqueue time (events are rendered at it)
  api_version TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(account_id, livemode, endpoint_id, seq);
CREATE INDEX webhook_deliveries_account ON webhook_deliveries(account_id, livemode, seq);

-- Every delivery attempt, as the dashboard and `onfile` CLI show them.
CREATE TABLE webhook_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  livemode INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  url TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,
  response_body TEXT,
  error TEXT,
  dispatcher TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, seq);
CREATE INDEX webhook_attempts_started ON webhook_attempts(started_at);

-- `onfile listen` signing secrets: stable per account, mode and listener name, like the Stripe CLI's.
CREATE TABLE cli_listeners (
  account_id TEXT NOT NULL,
  livemode INTEGER NOT NULL,
  name TEXT NOT NULL,
  secret TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (account_id, livemode, name)
);

-- API requests for `onfile logs` (written in batches off the request path).
CREATE TABLE request_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  account_id TEXT,
  livemode INTEGER,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  idempotency_key TEXT,
  stripe_version TEXT
);
CREATE INDEX request_log_account ON request_log(account_id, livemode, seq);
CREATE INDEX request_log_created ON request_log(created_ms);
