-- An uncaptured authorization lapses (https://docs.stripe.com/payments/place-a-hold-on-a-payment-method):
-- one row per PaymentIntent in requires_capture, written in the transaction that authorizes it and
-- deleted in the one that releases it once due, so an authorization still lapses after a restart.
CREATE TABLE authorization_expiries (
  payment_intent_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  livemode BIGINT NOT NULL,
  due_ms BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX authorization_expiries_due ON authorization_expiries(due_ms);
