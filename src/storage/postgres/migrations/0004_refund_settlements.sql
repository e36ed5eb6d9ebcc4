-- Issue 4: refunds settle asynchronously (Amazon Pay refunds are pending, then succeeded or
-- failed). One row per pending refund, written in the transaction that creates the refund and
-- deleted in the one that applies its final status, so a refund still settles after a restart.
CREATE TABLE refund_settlements (
  refund_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  due_ms BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX refund_settlements_due ON refund_settlements(due_ms);
