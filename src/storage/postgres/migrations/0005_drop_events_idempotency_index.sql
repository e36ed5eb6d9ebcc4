-- No query looks events up by idempotency key; the index only cost a random-page insert per event.
DROP INDEX IF EXISTS events_idempotency;
