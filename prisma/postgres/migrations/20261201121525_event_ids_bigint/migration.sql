-- Event ids become 64-bit: the events table is the busiest one, and `integer` runs out at 2^31 ids (weeks for a
-- busy cluster). Written by hand: the schema engine's "SET DATA TYPE BIGSERIAL" is not valid SQL. The serial's
-- sequence is widened too, or it would still stop at 2^31. (The column change rewrites the table once.)
ALTER TABLE "events" ALTER COLUMN "id" SET DATA TYPE BIGINT;
ALTER SEQUENCE "events_id_seq" AS BIGINT;

-- Every statement that inserts events first takes its transaction's id (xid), before any row takes an event
-- id from the sequence. Readers rely on that order to know when every id below a point is final
-- (packages/db/src/postgres/event-horizon.ts): a transaction that took an event id had its xid by then.
-- A statement-level BEFORE trigger runs before the statement computes any row's default, so it covers every
-- writer, the Prisma client's included, for one call per statement.
CREATE FUNCTION "taskloom_events_take_xid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_current_xact_id();
  RETURN NULL;
END
$$;

CREATE TRIGGER "events_take_xid" BEFORE INSERT ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION "taskloom_events_take_xid"();
