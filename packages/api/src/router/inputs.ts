import { z } from "zod";

/**
 * Input pieces shared by several routers. Every bound here is there so that a value the database or `Date`
 * cannot hold is a 400 with a clear message, never a 500 from deep inside a query.
 */

export const planSlug = z.string().min(1).max(64);
export const taskKey = z.string().min(1).max(128);

/** The largest time `Date` can hold (±100,000,000 days around 1970), in ms. */
const MAX_TIME_MS = 8_640_000_000_000_000;

/** A time in ms since 1970, within what `Date` can represent. */
export const timestamp = z
  .number()
  .int()
  .min(0)
  .max(MAX_TIME_MS, "must be a time in ms since 1970 that a date can hold");

/** The plan version an edit started from; the edit is refused with CONFLICT if the plan has moved on. */
export const baseVersion = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const CURSOR = /^(\d{1,16}):([^\s:]{1,128})$/;

/** A page cursor as `runs.list` returns it: `<createdAt ms>:<run id>`. */
export const runCursor = z
  .string()
  .max(160)
  .refine((cursor) => {
    const createdAt = CURSOR.exec(cursor)?.[1];
    return createdAt !== undefined && Number(createdAt) <= MAX_TIME_MS;
  }, "invalid cursor: pass back the `nextCursor` of the previous page");
