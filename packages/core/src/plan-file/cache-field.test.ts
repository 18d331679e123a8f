import { describe, expect, it } from "vitest";
import { serializePlan } from "./serialize.ts";
import { issueLines } from "./test-issues.ts";
import { parsePlanText } from "./validate.ts";

const plan = (cache: string) => `plan: cached
params: { day: "2026-12-01" }
tasks:
  fetch:
    run: echo hi
    cache: ${cache}
`;

const issuesOf = issueLines;

describe("cache field", () => {
  it("parses the key template and the ttl, and exports them back", () => {
    const definition = parsePlanText(plan('{ key: "fetch-{{params.day}}", ttl: 1d }'));
    expect(definition.tasks[0]?.cache).toEqual({ key: "fetch-{{params.day}}", ttlMs: 86_400_000 });
    expect(serializePlan(definition, "yaml")).toContain('cache: {key: "fetch-{{params.day}}", ttl: 1d}');
    expect(parsePlanText(serializePlan(definition, "yaml"))).toEqual(definition);
  });

  it("leaves a task without cache without the field (its hash does not change)", () => {
    expect(parsePlanText("plan: p\ntasks:\n  a: { run: echo }\n").tasks[0]).not.toHaveProperty("cache");
  });

  it("says what is wrong with a bad ttl, a missing field, an unknown field and a bad reference", () => {
    expect(issuesOf(plan("{ key: k, ttl: 1 week }"))).toEqual([
      expect.stringMatching(/^tasks\.fetch\.cache\.ttl: invalid duration `1 week`/),
    ]);
    expect(issuesOf(plan("{ key: k }"))).toEqual([expect.stringContaining("missing required field `ttl`")]);
    expect(issuesOf(plan("{ key: k, ttl: 0 }"))).toEqual(["tasks.fetch.cache.ttl: ttl must be at least 1ms"]);
    expect(issuesOf(plan("{ key: k, ttl: 1h, scope: x }"))).toEqual([
      "tasks.fetch.cache.scope: unknown field `scope`",
    ]);
    expect(issuesOf(plan('{ key: "{{params.nope}}", ttl: 1h }'))).toEqual([
      expect.stringMatching(/^tasks\.fetch\.cache\.key: .*param `nope`/),
    ]);
  });
});
