import { parsePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import {
  draftFromDefinition,
  draftToPlanTask,
  emptyDraft,
  fieldOfIssue,
  suggestKey,
  validateDraft,
} from "./task-draft.ts";

const context = { planSlug: "demo", params: { day: "2026-01-01" }, otherKeys: ["fetch", "clean"] };

describe("validateDraft", () => {
  it("accepts a valid shell task and builds the plan-file object", () => {
    const draft = {
      ...emptyDraft("shell", "report"),
      run: "echo {{params.day}}",
      retriesMax: "2",
      timeout: "30s",
    };
    const result = validateDraft(draft, context);
    expect(result.issues).toEqual({});
    expect(result.task).toEqual({
      kind: "shell",
      run: "echo {{params.day}}",
      retries: { max: 2 },
      timeout: "30s",
    });
  });

  it("puts the core's messages next to the fields", () => {
    const draft = { ...emptyDraft("shell", "Bad Key"), run: "", timeout: "soon", priority: "high" };
    const { issues, ok } = validateDraft(draft, context);
    expect(ok).toBe(false);
    expect(issues.key?.[0]).toMatch(/invalid task key/);
    expect(issues.run).toEqual(["must not be empty"]);
    expect(issues.timeout?.[0]).toMatch(/invalid duration `soon`/);
    expect(issues.priority).toEqual(["must be a whole number"]);
  });

  it("checks http URLs and template references against requires", () => {
    const draft = { ...emptyDraft("http", "hook"), url: "ftp://x", body: "{{tasks.fetch.output}}" };
    const { issues } = validateDraft(draft, context);
    expect(issues.url?.[0]).toMatch(/invalid URL/);
    expect(issues.body?.[0]).toMatch(/does not require/);
    const linked = {
      ...draft,
      url: "https://example.com",
      preserved: { ...draft.preserved, requires: ["fetch"] },
    };
    expect(validateDraft(linked, context).issues).toEqual({});
  });

  it("refuses a key another task has and a noop result that is not JSON", () => {
    const draft = { ...emptyDraft("noop", "fetch"), result: "{nope" };
    const { issues } = validateDraft(draft, context);
    expect(issues.key).toEqual(["another task already has the key `fetch`"]);
    expect(issues.result?.[0]).toMatch(/must be JSON/);
  });
});

describe("draftFromDefinition", () => {
  it("round-trips a stored task through the form", () => {
    const plan = parsePlanObject({
      plan: "demo",
      tasks: {
        fetch: {
          run: ["curl", "-s", "x"],
          env: { A: "1" },
          retries: { max: 3, delay: "2s", jitter: 0.5 },
          timeout: "1m",
        },
        hook: {
          kind: "http",
          method: "POST",
          url: "https://x.example",
          headers: { H: "v" },
          body: "b",
          requires: ["fetch"],
        },
        done: { kind: "noop", result: { ok: true }, priority: 5, queue: "slow" },
      },
    });
    for (const task of plan.tasks) {
      const { task: file, issues } = draftToPlanTask(draftFromDefinition(task));
      expect(issues).toEqual({});
      const again = parsePlanObject({ plan: "demo", tasks: { fetch: { kind: "noop" }, [task.key]: file } });
      expect(again.tasks.find((t) => t.key === task.key)).toEqual(task);
    }
  });
});

it("maps issue paths to fields", () => {
  expect(fieldOfIssue("tasks.a.retries.delay", "x", "a")).toBe("retriesDelay");
  expect(fieldOfIssue('tasks.a.env["a.b"]', "x", "a")).toBe("env");
  expect(fieldOfIssue("tasks.a", "missing required field `url` (for kind http)", "a")).toBe("url");
  expect(fieldOfIssue("tasks.b.run", "x", "a")).toBe("general");
});

it("suggests free keys", () => {
  expect(suggestKey(["task-1", "task-3"])).toBe("task-2");
});
