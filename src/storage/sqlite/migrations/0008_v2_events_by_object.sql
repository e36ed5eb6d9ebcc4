-- `GET /v2/core/events?object_id=` names one object; without this index it walked every event of the
-- account. Partial: only v2 events (rare) pay for it, and v1 event inserts do not touch it.
CREATE INDEX events_v2_object ON events(account_id, livemode, object_id, seq) WHERE type LIKE 'v2.%';
