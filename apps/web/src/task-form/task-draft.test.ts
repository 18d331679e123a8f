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
  it("checks a function task's handler and input with the plan-file rules", () => {
    const draft = { ...emptyDraft("function", "resize"), handler: "bad name", input: "{not json" };
    const { issues } = validateDraft(draft, context);
    expect(issues.input).toEqual(['must be JSON: an object, a list, a number, true or "quoted text"']);
    expect(issues.handler?.[0]).toContain("invalid handler name `bad name`");
    const fixed = validateDraft({ ...draft, handler: "resize", input: '{"day": "{{params.day}}"}' }, context);
    expect([fixed.ok, fixed.task]).toEqual([
      true,
      { kind: "function", handler: "resize", input: { day: "{{params.day}}" } },
    ]);
  });

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
        keyed: { kind: "noop", concurrencyKey: "deploy:{{run.id}}", concurrencyLimit: 3 },
        single: { kind: "noop", concurrencyKey: "one" },
        solo: { kind: "noop", exclusive: true },
        swept: { kind: "noop", sweep: { matrix: { lr: [1, 2], opt: ["a"] }, maxParallel: 2, need: "any" } },
        fanned: { kind: "noop", requires: ["fetch"], sweep: { itemsFrom: "fetch" } },
        resize: {
          kind: "function",
          handler: "resize",
          input: { path: "{{tasks.fetch.output}}", w: 2 },
          requires: ["fetch"],
        },
        plain: { kind: "function", handler: "images/plain" },
        cached: {
          run: "echo {{params.day}}",
          params: { day: "mon" },
          cache: { key: "day:{{params.day}}", ttl: "1d" },
        },
        gate: {
          kind: "approval",
          prompt: "Ship?",
          description: "Read the notes",
          timeout: "2h",
          onTimeout: "approve",
          form: { properties: { n: { type: "integer", minimum: 1, default: 2 } }, required: ["n"] },
        },
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
  expect(fieldOfIssue(at("too_small", "tasks", "a", "concurrencyLimit"), "a")).toBe("concurrencyLimit");
  expect(fieldOfIssue(at("invalid_value", "tasks", "a", "exclusive"), "a")).toBe("concurrencyKey");
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

it("writes `cache` and `parent` as the plan file does, validated with its rules", () => {
  const draft = {
    ...emptyDraft("noop", "child"),
    parent: "fetch",
    cacheKey: " k:{{run.id}} ",
    cacheTtl: "12h",
  };
  const { task, ok } = validateDraft(draft, { ...context, otherKeys: ["fetch"] });
  expect(ok).toBe(true);
  expect(task).toMatchObject({ parent: "fetch", cache: { key: "k:{{run.id}}", ttl: "12h" } });
  expect(draftToPlanTask(emptyDraft("noop", "plain")).task).not.toHaveProperty("cache");

  const halfCache = validateDraft({ ...emptyDraft("noop", "a"), cacheKey: "k" }, context).issues;
  // A missing half is reported on its own field.
  expect(halfCache.cacheTtl?.[0]).toContain("missing required field `ttl`");
  const badTtl = validateDraft(
    { ...emptyDraft("noop", "a"), cacheKey: "k", cacheTtl: "soon" },
    context,
  ).issues;
  expect(badTtl.cacheTtl?.[0]).toContain("invalid duration `soon`");
  const badTemplate = validateDraft(
    { ...emptyDraft("noop", "a"), cacheKey: "{{params.nope}}", cacheTtl: "1d" },
    context,
  );
  expect(badTemplate.issues.cacheKey?.[0]).toContain("nope");

  const unknown = validateDraft({ ...emptyDraft("noop", "a"), parent: "ghost" }, context).issues;
  expect(unknown.parent?.[0]).toContain("unknown task `ghost`");
  // b is under a already: a under b would loop, and the form says so on a's Parent field.
  const loop = validateDraft(
    { ...emptyDraft("noop", "a"), parent: "b" },
    { ...context, otherKeys: ["b"], parentsOf: { b: "a" } },
  ).issues;
  expect(loop.parent).toEqual(["parent cycle: a -> b -> a"]);
  // Renaming a parent: its children still name the old key, which is not the form's problem.
  const renamed = validateDraft(
    { ...emptyDraft("noop", "a2") },
    { ...context, otherKeys: ["b"], parentsOf: { b: "a" } },
  );
  expect(renamed.ok).toBe(true);
});

it("suggests free keys", () => {
  expect(suggestKey(["task-1", "task-3"])).toBe("task-2");
});

describe("llm tasks in the form", () => {
  const llmContext = { ...context, documentKeys: ["spec"] };
  const writeTask = {
    kind: "llm",
    prompt: "Write about {{params.day}}",
    system: "Be precise.",
    model: "gpt-4o-mini",
    temperature: 0.2,
    maxTokens: 800,
    output: "json",
    requires: ["fetch"],
    relatesTo: ["clean"],
    duplicates: ["fetch"],
    context: { budget: 1500, k: 4, summarize: "off", include: { siblings: false } },
    pin: ["doc:spec", "note:audience"],
    exclude: ["task:clean"],
  };
  const plan = parsePlanObject({
    plan: "demo",
    params: { day: "2026-01-01" },
    documents: { spec: { text: "the spec" } },
    tasks: {
      fetch: { kind: "noop" },
      clean: { kind: "noop" },
      write: writeTask,
    },
  });

  it("reads every llm field of a stored task and writes the same plan-file object back", () => {
    const stored = plan.tasks.find((task) => task.key === "write");
    if (!stored) throw new Error("no task write");
    const draft = draftFromDefinition(stored);
    expect(draft).toMatchObject({
      prompt: "Write about {{params.day}}",
      temperature: "0.2",
      contextBudget: "1500",
      summarize: "off",
      include: { siblings: false, notes: true, retrieval: true },
      pin: "doc:spec\nnote:audience",
      relatesTo: ["clean"],
      duplicates: ["fetch"],
    });
    const result = validateDraft(draft, { ...llmContext, otherKeys: ["fetch", "clean"] });
    expect(result.issues).toEqual({});
    expect(result.task).toEqual(writeTask);
  });

  it("puts the plan-file rules' issues next to the llm fields", () => {
    const draft = {
      ...emptyDraft("llm", "write"),
      temperature: "hot",
      maxTokens: "-5",
      contextBudget: "lots",
      pin: "doc:nope",
      exclude: "file:x",
    };
    const { issues, ok } = validateDraft(draft, llmContext);
    expect(ok).toBe(false);
    expect(issues.prompt).toEqual(["must not be empty"]);
    expect(issues.temperature).toEqual(["must be a number from 0 to 2"]);
    expect(issues.maxTokens?.length).toBeGreaterThan(0);
    expect(issues.context).toEqual(["must be a whole number"]);
    expect(issues.pin?.join(" ")).toMatch(/unknown document `nope`/);
    expect(issues.exclude?.join(" ")).toMatch(/file:x/);
    const tooWarm = validateDraft({ ...emptyDraft("llm", "w"), prompt: "p", temperature: "3" }, llmContext);
    expect(tooWarm.issues.temperature?.length).toBe(1);
  });
});

describe("approval tasks in the form", () => {
  const gate = (fields: Partial<ReturnType<typeof emptyDraft>>) => ({
    ...emptyDraft("approval", "gate"),
    ...fields,
  });

  it("writes the description, the form and onTimeout as the plan file does", () => {
    const { task, ok } = validateDraft(
      gate({
        prompt: "Ship?",
        description: "Read the notes",
        approvalForm: '{"properties": {"n": {"type": "integer", "default": 2}}, "required": ["n"]}',
        onTimeout: "approve",
        timeout: "2h",
      }),
      context,
    );
    expect(ok).toBe(true);
    expect(task).toEqual({
      kind: "approval",
      prompt: "Ship?",
      description: "Read the notes",
      form: { properties: { n: { type: "integer", default: 2 } }, required: ["n"] },
      onTimeout: "approve",
      timeout: "2h",
    });
  });

  it("puts the form's problems on its field, saying where in the form they are", () => {
    const notJson = validateDraft(gate({ approvalForm: "{properties" }), context).issues;
    expect(notJson.approvalForm?.[0]).toContain("must be JSON");
    const badField = validateDraft(
      gate({ approvalForm: '{"properties": {"n": {"type": "integer", "minLength": 1}}}' }),
      context,
    ).issues;
    expect(badField.approvalForm).toEqual([expect.stringMatching(/^properties\.n\.minLength: /)]);
    const noDefault = validateDraft(
      gate({
        approvalForm: '{"properties": {"v": {"type": "string"}}, "required": ["v"]}',
        onTimeout: "approve",
      }),
      context,
    ).issues;
    expect(noDefault.onTimeout?.[0]).toContain("required field `v` needs a `default`");
  });
});
