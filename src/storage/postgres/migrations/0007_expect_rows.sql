-- Sql.write with an expected row count, on a pipelined transaction (engine.ts): the statement's
-- count is checked in the database, so a mismatch fails the transaction before the COMMIT that was
-- sent right behind it, and that COMMIT rolls back instead.
CREATE OR REPLACE FUNCTION onfile_expect_rows(actual BIGINT, expected BIGINT) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF actual <> expected THEN
    RAISE EXCEPTION 'onfile: % rows changed, % expected', actual, expected USING ERRCODE = 'OF001';
  END IF;
  RETURN actual;
END
$$;
