import { silentLogger } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { WARNING_REPEAT_MS, withWarnings } from "./warning-logger.ts";

describe("withWarnings", () => {
  it("says each warning once, with its cause, and again only after the repeat interval", () => {
    let now = 0;
    const lines: string[] = [];
    const logger = withWarnings(silentLogger, (line) => lines.push(line), { now: () => now });
    const full = new Error("database or disk is full");
    for (let i = 0; i < 100; i++) logger.error({ err: full }, "recording results failed; retrying in 1s");
    logger.warn({ taskRunId: 3 }, "lease was lost before completion");
    logger.info({}, "not a warning");
    expect(lines).toEqual([
      "recording results failed; retrying in 1s: database or disk is full",
      "lease was lost before completion",
    ]);
    now += WARNING_REPEAT_MS;
    logger.error({ err: full }, "recording results failed; retrying in 1s");
    expect(lines).toHaveLength(3);
  });

  it("says a notice every time, and after it the next warning at once", () => {
    const lines: string[] = [];
    const logger = withWarnings(silentLogger, (line) => lines.push(line), { now: () => 0 });
    const down = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    logger.warn({ err: down }, "the database is unreachable");
    logger.info({ notice: true }, "reconnected to the database after 1.2 s");
    logger.warn({ err: down }, "the database is unreachable");
    logger.info({ notice: true }, "reconnected to the database after 0.3 s");
    expect(lines).toEqual([
      "the database is unreachable: connect ECONNREFUSED 127.0.0.1:5432",
      "reconnected to the database after 1.2 s",
      "the database is unreachable: connect ECONNREFUSED 127.0.0.1:5432",
      "reconnected to the database after 0.3 s",
    ]);
  });
});
