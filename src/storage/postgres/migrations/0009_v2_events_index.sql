-- `GET /v2/core/events` lists the account's v2 events, newest first, often for one object; without this
-- index it walked every event of the account. Partial: v2 events are few, so a list for one object
-- reads the account's v2 events only, and v1 event inserts add no entry to it.
CREATE INDEX events_v2 ON events(account_id, livemode, seq) WHERE type LIKE 'v2.%';
-- A store migrated at 9eaadc8, briefly on main, has an index by object instead.
DROP INDEX IF EXISTS events_v2_object;
