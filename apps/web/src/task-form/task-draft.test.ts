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
      requires: ["fetch"],
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
        done: { kind: "noop", result: { ok: true }, priority: 5, queue: "slow", parent: "fetch" },
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

it("maps issues to fields by path and code, not by their wording", () => {
  const at = (code: string, ...fieldPath: (string | number)[]) => ({ code, fieldPath });
  expect(fieldOfIssue(at("invalid_duration", "tasks", "a", "retries", "delay"), "a")).toBe("retriesDelay");
  expect(fieldOfIssue(at("invalid_key", "tasks", "a", "env", "a.b"), "a")).toBe("env");
  expect(fieldOfIssue(at("required", "tasks", "a", "url"), "a")).toBe("url");
  expect(fieldOfIssue(at("invalid_key", "tasks", "A!"), "A!")).toBe("key");
  expect(fieldOfIssue(at("unknown_task", "tasks", "a", "requires", 0), "a")).toBe("links");
  expect(fieldOfIssue(at("invalid_type", "tasks", "b", "run"), "a")).toBe("general");
  expect(fieldOfIssue(at("unknown_field", "tasks", "a", "colour"), "a")).toBe("general");
});

it("puts the issues the core reports on the fields they are about", () => {
  const draft = { ...emptyDraft("http", "call"), url: "", timeout: "soon", retriesDelay: "fast" };
  const { issues } = validateDraft(draft, context);
  expect(issues.url).toEqual(["must not be empty"]);
  expect(issues.timeout?.[0]).toContain("invalid duration `soon`");
  expect(issues.retriesDelay?.[0]).toContain("invalid duration `fast`");
});

it("suggests free keys", () => {
  expect(suggestKey(["task-1", "task-3"])).toBe("task-2");
});
