import { describe, expect, it } from "vitest";
import { type PlanIssue, PlanValidationError } from "../errors.ts";
import type { PlanDefinition } from "../types.ts";
import { MAX_NESTING_DEPTH } from "./defaults.ts";
import { parsePlanObject, parsePlanText, validatePlanObject, validatePlanText } from "./index.ts";

function issuesOf(text: string): PlanIssue[] {
  const outcome = validatePlanText(text);
  if (outcome.ok) throw new Error("expected the plan to be invalid");
  return outcome.issues;
}

function planOf(text: string): PlanDefinition {
  const outcome = validatePlanText(text);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues, null, 2));
  return outcome.plan;
}

const SPEC_EXAMPLE = `plan: etl-demo
name: ETL demo
goal: Load and summarise the daily sales files
index: |
  Conventions that every task must follow.
params: { day: "2026-11-20" }
defaults:
  retries: { max: 2, backoff: exponential, delay: 500ms, maxDelay: 10s }
  timeout: 5m
  queue: default
tasks:
  fetch:
    kind: shell
    run: ./scripts/fetch.sh {{params.day}}
    params: { day: "2026-11-20" }
    env: { LANG: C.UTF-8 }
    cwd: .
    priority: 10
    output: text
  clean:
    name: Clean the rows
    run: [python3, clean.py, "{{ tasks.fetch.output }}"]
    requires: [fetch]
  report:
    kind: http
    method: POST
    url: http://127.0.0.1:8080/hook
    headers: { content-type: application/json }
    body: "{{tasks.clean.output}}"
    requires: [clean]
    refers: [fetch]
    timeout: 30s
    retries: { max: 5 }
  done:
    kind: noop
    result: { status: done, count: 3 }
    requires: [report]
`;

describe("validatePlanText: a valid plan", () => {
  const plan = planOf(SPEC_EXAMPLE);

  it("applies every default", () => {
    expect(plan.slug).toBe("etl-demo");
    expect(plan.name).toBe("ETL demo");
    expect(plan.index).toBe("Conventions that every task must follow.\n");
    expect(plan.params).toEqual({ day: "2026-11-20" });
    expect(plan.tasks.map((task) => task.key)).toEqual(["fetch", "clean", "report", "done"]);
    const [fetch, clean, report, done] = plan.tasks;
    expect(fetch).toEqual({
      key: "fetch",
      name: "fetch",
      kind: "shell",
      spec: { kind: "shell", run: "./scripts/fetch.sh {{params.day}}", env: { LANG: "C.UTF-8" }, cwd: "." },
      params: { day: "2026-11-20" },
      requires: [],
      refers: [],
      priority: 10,
      queue: "default",
      retry: { max: 2, backoff: "exponential", delayMs: 500, maxDelayMs: 10_000, jitter: 0.2 },
      timeoutMs: 300_000,
      output: "text",
    });
    expect(clean?.name).toBe("Clean the rows");
    expect(clean?.spec).toEqual({
      kind: "shell",
      run: ["python3", "clean.py", "{{ tasks.fetch.output }}"],
      env: {},
      cwd: null,
    });
    expect(report?.spec).toEqual({
      kind: "http",
      method: "POST",
      url: "http://127.0.0.1:8080/hook",
      headers: { "content-type": "application/json" },
      body: "{{tasks.clean.output}}",
    });
    expect(report?.refers).toEqual(["fetch"]);
    expect(done?.spec).toEqual({ kind: "noop", output: { status: "done", count: 3 } });
  });

  it("merges retries field by field: task over defaults over built-in", () => {
    const report = plan.tasks.find((task) => task.key === "report");
    expect(report?.retry).toEqual({
      max: 5,
      backoff: "exponential",
      delayMs: 500,
      maxDelayMs: 10_000,
      jitter: 0.2,
    });
    expect(report?.timeoutMs).toBe(30_000);
  });

  it("fills the built-in defaults of a minimal plan", () => {
    expect(planOf("plan: tiny\ntasks:\n  a:\n    run: echo hi\n")).toEqual({
      slug: "tiny",
      name: "tiny",
      goal: "",
      index: "",
      params: {},
      tasks: [
        {
          key: "a",
          name: "a",
          kind: "shell",
          spec: { kind: "shell", run: "echo hi", env: {}, cwd: null },
          params: {},
          requires: [],
          refers: [],
          priority: 0,
          queue: "default",
          retry: { max: 0, backoff: "exponential", delayMs: 1000, maxDelayMs: 60_000, jitter: 0.2 },
          timeoutMs: null,
          output: "text",
        },
      ],
    });
  });

  it("applies defaults.env, defaults.cwd and the other defaults, and lets tasks override them", () => {
    const merged = planOf(`plan: d
defaults:
  env: { A: "1", B: two }
  cwd: work
  priority: 3
  output: json
  queue: io
  timeout: 10s
tasks:
  a: { run: x, env: { B: three, C: 4 } }
  b: { run: x, cwd: null, timeout: null, priority: -1, queue: cpu, output: text }
  c: { kind: noop }
`);
    const [a, b, c] = merged.tasks;
    expect(a?.spec).toEqual({ kind: "shell", run: "x", env: { A: "1", B: "three", C: "4" }, cwd: "work" });
    expect(a).toMatchObject({ priority: 3, output: "json", queue: "io", timeoutMs: 10_000 });
    expect(b?.spec).toEqual({ kind: "shell", run: "x", env: { A: "1", B: "two" }, cwd: null });
    expect(b).toMatchObject({ priority: -1, output: "text", queue: "cpu", timeoutMs: null });
    expect(c?.spec).toEqual({ kind: "noop", output: null });
  });

  it("JSON-stringifies an object or list body", () => {
    const http = planOf(
      "plan: h\ntasks:\n  a: { kind: http, url: 'https://x.test', body: { a: [1, true] } }\n",
    );
    expect(http.tasks[0]?.spec).toMatchObject({ body: '{"a":[1,true]}' });
  });

  it("reads JSON text", () => {
    const json = JSON.stringify({ plan: "j", tasks: { a: { run: "echo", timeout: "1m" } } });
    expect(planOf(json).tasks[0]?.timeoutMs).toBe(60_000);
    expect(validatePlanText('{\n\t"plan": "j",\n\t"tasks": {}\n}', { format: "json" }).ok).toBe(true);
  });

  it("accepts refers cycles: they do not gate", () => {
    expect(
      planOf("plan: r\ntasks:\n  a: { run: x, refers: [b] }\n  b: { run: x, refers: [a] }\n").tasks,
    ).toHaveLength(2);
  });
});

describe("validatePlanText: problems", () => {
  it("reports an unknown field with its line", () => {
    const issues = issuesOf("plan: p\ntasks:\n  a:\n    run: x\n    colour: blue\n");
    expect(issues).toEqual([
      {
        path: "tasks.a.colour",
        fieldPath: ["tasks", "a", "colour"],
        code: "unknown_field",
        message: "unknown field `colour`",
        line: 5,
        column: 5,
      },
    ]);
  });

  it("reports unknown fields at the top level, in defaults and in retries", () => {
    const issues = issuesOf(
      "plan: p\nversion: 2\ndefaults: { requires: [a], foo: 1 }\ntasks:\n  a: { run: x, retries: { tries: 3 } }\n",
    );
    expect(issues.map(({ path, message, line }) => ({ path, message, line }))).toEqual([
      { path: "version", message: "unknown field `version`", line: 2 },
      {
        path: "defaults.requires",
        message:
          "field `requires` is not valid in defaults (allowed: retries, timeout, queue, priority, output, env, cwd)",
        line: 3,
      },
      { path: "defaults.foo", message: "unknown field `foo`", line: 3 },
      { path: "tasks.a.retries.tries", message: "unknown field `tries`", line: 5 },
    ]);
  });

  it("reports a field of another kind", () => {
    const issues = issuesOf(
      "plan: p\ntasks:\n  a:\n    run: x\n    url: http://x.test\n  b:\n    kind: noop\n    run: x\n",
    );
    expect(issues.map((issue) => [issue.path, issue.message, issue.line])).toEqual([
      ["tasks.a.url", "field `url` is not valid for kind shell", 5],
      ["tasks.b.run", "field `run` is not valid for kind noop", 8],
    ]);
  });

  it("reports a bad kind", () => {
    const issues = issuesOf("plan: p\ntasks:\n  a:\n    kind: python\n    run: x\n");
    expect(issues).toEqual([
      {
        path: "tasks.a.kind",
        fieldPath: ["tasks", "a", "kind"],
        code: "invalid_value",
        message: "expected one of: shell, http, noop, llm, function, approval (got `python`)",
        line: 4,
        column: 5,
      },
    ]);
  });

  it("reports missing required fields", () => {
    expect(issuesOf("tasks: {}\n").map((issue) => issue.message)).toEqual([
      "missing required field `plan` (the plan's slug)",
    ]);
    expect(issuesOf("plan: p\n").map((issue) => issue.message)).toEqual(["missing required field `tasks`"]);
    const issues = issuesOf("plan: p\ntasks:\n  a: { cwd: . }\n  b: { kind: http }\n");
    expect(issues.map((issue) => [issue.path, issue.message, issue.line])).toEqual([
      ["tasks.a", "missing required field `run` (for kind shell)", 3],
      ["tasks.b", "missing required field `url` (for kind http)", 4],
    ]);
    // The issue sits on the task; the path a program routes it by names the missing field.
    expect(issues.map((issue) => [issue.code, issue.fieldPath])).toEqual([
      ["required", ["tasks", "a", "run"]],
      ["required", ["tasks", "b", "url"]],
    ]);
  });

  it("reports an unknown dependency", () => {
    const issues = issuesOf("plan: p\ntasks:\n  a:\n    run: x\n    requires: [b, nope]\n  b: { run: x }\n");
    expect(issues).toEqual([
      {
        path: "tasks.a.requires[1]",
        fieldPath: ["tasks", "a", "requires", 1],
        code: "unknown_task",
        message: "unknown task `nope` in requires",
        line: 5,
        column: 19,
      },
    ]);
    expect(issuesOf("plan: p\ntasks:\n  a: { run: x, refers: [zz] }\n")[0]?.message).toBe(
      "unknown task `zz` in refers",
    );
  });

  it("reports a self-dependency and duplicates", () => {
    const issues = issuesOf(
      "plan: p\ntasks:\n  a:\n    run: x\n    requires: [a]\n    refers: [a]\n  b: { run: x, requires: [a, a] }\n",
    );
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["tasks.a.requires[0]", "task `a` requires itself"],
      ["tasks.a.refers[0]", "task `a` refers to itself"],
      ["tasks.b.requires[1]", "duplicate task `a` in requires"],
    ]);
  });

  it("keeps a task's parent, and leaves it out when there is none", () => {
    const plan = planOf("plan: p\ntasks:\n  build: { kind: noop }\n  compile: { run: x, parent: build }\n");
    expect(plan.tasks.map((task) => [task.key, task.parent])).toEqual([
      ["build", undefined],
      ["compile", "build"],
    ]);
    expect("parent" in (plan.tasks[0] ?? {})).toBe(false);
  });

  it("refuses a parent that is unknown, the task itself, or part of a parent cycle", () => {
    const issues = issuesOf(`plan: p
tasks:
  a: { run: x, parent: ghost }
  b: { run: x, parent: b }
  c: { run: x, parent: e }
  d: { run: x, parent: c }
  e: { run: x, parent: d }
  f: { run: x, parent: c }
`);
    expect(issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      ["tasks.a.parent", "unknown_task", "unknown task `ghost` in parent"],
      ["tasks.b.parent", "self_reference", "task `b` is its own parent"],
      ["tasks.c.parent", "cycle", "parent cycle: c -> e -> d -> c"],
    ]);
  });

  it("reports a 3-cycle with the exact message, at the first task's requires", () => {
    const issues = issuesOf(`plan: p
tasks:
  a:
    run: x
    requires: [c]
  b:
    run: x
    requires: [a]
  c:
    run: x
    requires: [b]
`);
    expect(issues).toEqual([
      {
        path: "tasks.a.requires",
        fieldPath: ["tasks", "a", "requires"],
        code: "cycle",
        message: "cycle: a -> b -> c -> a",
        line: 5,
        column: 5,
      },
    ]);
  });

  it("reports a 2-cycle", () => {
    expect(
      issuesOf("plan: p\ntasks:\n  x: { run: x, requires: [y] }\n  y: { run: x, requires: [x] }\n"),
    ).toEqual([
      {
        path: "tasks.x.requires",
        fieldPath: ["tasks", "x", "requires"],
        code: "cycle",
        message: "cycle: x -> y -> x",
        line: 3,
        column: 16,
      },
    ]);
  });

  it("reports bad durations", () => {
    const issues = issuesOf(
      "plan: p\ndefaults:\n  timeout: 5 minutes\ntasks:\n  a:\n    run: x\n    timeout: 0\n    retries: { delay: fast, maxDelay: true }\n",
    );
    expect(issues.map((issue) => [issue.path, issue.message, issue.line])).toEqual([
      [
        "defaults.timeout",
        "invalid duration `5 minutes` (expected e.g. 500ms, 30s, 5m, 1h or 1h30m, or a whole number of milliseconds)",
        3,
      ],
      ["tasks.a.timeout", "timeout must be at least 1ms (use null for no timeout)", 7],
      [
        "tasks.a.retries.delay",
        "invalid duration `fast` (expected e.g. 500ms, 30s, 5m, 1h or 1h30m, or a whole number of milliseconds)",
        8,
      ],
      ["tasks.a.retries.maxDelay", "expected a duration such as 30s, got a boolean", 8],
    ]);
  });

  it("reports bad retry values", () => {
    const issues = issuesOf(
      "plan: p\ntasks:\n  a: { run: x, retries: { max: -1, backoff: linear, jitter: 2 } }\n",
    );
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["tasks.a.retries.max", "must be at least 0"],
      ["tasks.a.retries.backoff", "expected one of: fixed, exponential (got `linear`)"],
      ["tasks.a.retries.jitter", "must be at most 1"],
    ]);
  });

  it("reports bad template references", () => {
    const issues = issuesOf(`plan: p
params: { day: x }
tasks:
  a: { run: echo }
  b:
    run: [echo, "{{params.day}}", "{{params.region}}", "{{tasks.a.output}}", "{{ run.id }}", "{{plan.slug}}", "{{env.HOME}}"]
    env: { X: "{{tasks.b.output}}", Y: "{{tasks.a.output.who}}" }
    cwd: "{{params.dir}}"
    params: { dir: /tmp }
`);
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [
        "tasks.b.run[2]",
        "{{params.region}} refers to param `region`, which is declared neither in the plan's params nor in this task's params",
      ],
      ["tasks.b.run[3]", "{{tasks.a.output}} refers to `a`, which this task does not require"],
      ["tasks.b.run[6]", "unknown template reference {{env.HOME}}"],
      ["tasks.b.env.X", "{{tasks.b.output}} refers to `b`, which this task does not require"],
      ["tasks.b.env.Y", "{{tasks.a.output.who}} refers to `a`, which this task does not require"],
    ]);
  });

  it("checks http templates and reports inherited defaults once", () => {
    const issues = issuesOf(`plan: p
defaults:
  env: { TOKEN: "{{params.token}}" }
tasks:
  a: { run: x }
  b: { run: x }
  c: { run: x, params: { token: t } }
  h:
    kind: http
    url: "{{params.base}}/x"
    headers: { x-run: "{{run.id}}", x-bad: "{{ tasks }}" }
    body: "{{tasks.a.output}}"
`);
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [
        "defaults.env.TOKEN",
        "{{params.token}} refers to param `token`, which is declared neither in the plan's params nor in this task's params (inherited by tasks `a`, `b`)",
      ],
      [
        "tasks.h.url",
        "{{params.base}} refers to param `base`, which is declared neither in the plan's params nor in this task's params",
      ],
      ["tasks.h.headers.x-bad", "unknown template reference {{tasks}}"],
      ["tasks.h.body", "{{tasks.a.output}} refers to `a`, which this task does not require"],
    ]);
  });

  it("reports duplicate keys, and still validates the rest", () => {
    const issues = issuesOf("plan: p\ntasks:\n  a: { run: x }\n  a: { run: y }\n  b: { run: x, bad: 1 }\n");
    expect(issues.map((issue) => [issue.path, issue.message, issue.line])).toEqual([
      ["tasks.a", "duplicate key `a`", 4],
      ["tasks.b.bad", "unknown field `bad`", 5],
    ]);
    expect(issuesOf("plan: p\nplan: q\ntasks: {}\n")[0]?.message).toBe("duplicate key `plan`");
  });

  it("reports bad names, keys and values", () => {
    const issues = issuesOf(`plan: Bad_Slug
name: ""
params: { 1x: a, ok: null }
tasks:
  Fetch: { run: x }
  b:
    run: ""
    env: { "A-B": x, C: [1] }
    priority: 1.5
    queue: ""
    output: yaml
  c: { kind: http, url: "ftp://x", method: get, headers: { "bad header": x }, body: 3 }
  d: { kind: noop, result: .inf }
  e: []
  f: { run: [""] }
`);
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["plan", "must be a slug: lowercase letters, digits and `-`, starting with a letter or digit"],
      ["name", "must not be empty"],
      ["params.1x", "invalid param name `1x`: use letters, digits and `_`, not starting with a digit"],
      ["params.ok", "expected a string, number or boolean, got null"],
      ["tasks.Fetch", "invalid task key `Fetch`: use lowercase letters, digits, `_` and `-`"],
      ["tasks.b.run", "must not be empty"],
      [
        "tasks.b.env.A-B",
        "invalid environment variable name `A-B`: use letters, digits and `_`, not starting with a digit",
      ],
      ["tasks.b.env.C", "expected a string, got a list"],
      ["tasks.b.priority", "expected an integer, got a number"],
      ["tasks.b.queue", "must not be empty"],
      ["tasks.b.output", "expected one of: text, json (got `yaml`)"],
      ["tasks.c.method", "expected one of: GET, POST, PUT, PATCH, DELETE, HEAD (got `get`)"],
      ["tasks.c.url", "invalid URL `ftp://x` (expected an http:// or https:// URL)"],
      ['tasks.c.headers["bad header"]', "invalid header name `bad header`"],
      ["tasks.c.body", "expected a string, or a mapping or list sent as JSON, got a number"],
      ["tasks.d.result", "`result` must be a JSON value (null, boolean, number, string, list or mapping)"],
      ["tasks.e", "a task must be a mapping, got a list"],
      ["tasks.f.run[0]", "the program must not be empty"],
    ]);
  });

  it("rejects a slug longer than 64 characters", () => {
    expect(issuesOf(`plan: ${"a".repeat(65)}\ntasks: {}\n`)[0]?.message).toBe(
      "must be at most 64 characters",
    );
    expect(validatePlanText(`plan: ${"a".repeat(64)}\ntasks: {}\n`).ok).toBe(true);
  });

  it("reports every problem, not just the first", () => {
    const issues = issuesOf(
      "plan: p\ntasks:\n  a: { run: x, foo: 1, timeout: soon, requires: [zz] }\n  b: { kind: bad }\n",
    );
    expect(issues).toHaveLength(4);
  });

  it("gives issues, never throws, for empty, garbage and non-mapping documents", () => {
    for (const text of [
      "",
      "   \n",
      "# only a comment\n",
      "}{",
      "[1, 2]",
      "just text",
      "42",
      "a: [",
      "\t\u0000",
    ]) {
      const outcome = validatePlanText(text);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.issues.length).toBeGreaterThan(0);
        for (const issue of outcome.issues) expect(issue.message).not.toBe("");
      }
    }
    expect(issuesOf("")[0]?.message).toBe("the plan file is empty");
    expect(issuesOf("- a\n")[0]?.message).toBe(
      "the plan file must be a mapping at the top level, got a list",
    );
  });

  it("reports a YAML syntax error with its line", () => {
    const issues = issuesOf("plan: p\ntasks:\n  a: { run: x\n  b: 1\n");
    expect(issues[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it("refuses multiple documents and survives alias bombs", () => {
    expect(issuesOf("plan: a\ntasks: {}\n---\nplan: b\n").length).toBeGreaterThan(0);
    const bomb = ["plan: p", "tasks: {}", "a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level++) {
      const name = String.fromCharCode(97 + level);
      bomb.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(96 + level)}`)
          .join(", ")}]`,
      );
    }
    expect(issuesOf(`${bomb.join("\n")}\n`)[0]?.message).toMatch(/^cannot read the document: .*alias/);
  });

  it("survives deep nesting", () => {
    const deep = `plan: p\ntasks:\n  a: { kind: noop, result: ${"[".repeat(5000)}${"]".repeat(5000)} }\n`;
    expect(() => validatePlanText(deep)).not.toThrow();
  });
});

describe("parsePlanText / validatePlanObject / parsePlanObject", () => {
  it("parsePlanText throws a PlanValidationError with every issue", () => {
    try {
      parsePlanText("plan: p\ntasks:\n  a: { run: x, requires: [b] }\n");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanValidationError);
      if (!(error instanceof PlanValidationError)) return;
      expect(error.code).toBe("PLAN_INVALID");
      expect(error.issues).toEqual([
        {
          path: "tasks.a.requires[0]",
          fieldPath: ["tasks", "a", "requires", 0],
          code: "unknown_task",
          message: "unknown task `b` in requires",
          line: 3,
          column: 27,
        },
      ]);
      expect(error.message).toContain("tasks.a.requires[0] (line 3): unknown task `b` in requires");
    }
  });

  it("validates plain objects, without line numbers", () => {
    const outcome = validatePlanObject({ plan: "o", tasks: { a: { run: "x", requires: ["b"] } } });
    expect(outcome).toEqual({
      ok: false,
      issues: [
        {
          path: "tasks.a.requires[0]",
          fieldPath: ["tasks", "a", "requires", 0],
          code: "unknown_task",
          message: "unknown task `b` in requires",
        },
      ],
    });
    expect(parsePlanObject({ plan: "o", tasks: { a: { run: ["echo", "hi"] } } }).tasks[0]?.spec).toEqual({
      kind: "shell",
      run: ["echo", "hi"],
      env: {},
      cwd: null,
    });
    expect(() => parsePlanObject(null)).toThrow(PlanValidationError);
    expect(validatePlanObject(new Map()).ok).toBe(false);
    expect(validatePlanObject({ plan: "o", tasks: { a: { kind: "noop", result: new Date(0) } } }).ok).toBe(
      false,
    );
    expect(validatePlanObject({ plan: "o", name: undefined, tasks: {} }).ok).toBe(true);
  });

  it("refuses `__proto__` as a key", () => {
    const value = JSON.parse(
      '{"plan": "o", "params": {"__proto__": 1}, "tasks": {"__proto__": {"run": "x"}}}',
    ) as unknown;
    const outcome = validatePlanObject(value);
    expect(outcome.ok ? [] : outcome.issues.map((issue) => issue.message)).toEqual([
      "`__proto__` is reserved",
      "task key `__proto__` is reserved",
    ]);
  });

  it("gives every kind of problem its machine-readable code", () => {
    const issues = issuesOf(`plan: Bad Slug
extra: 1
defaults: { requires: [a] }
tasks:
  A!: { run: x }
  a: { run: x, url: "http://x.test", timeout: soon, priority: 1.5, requires: [a, zz], retries: { max: -1 } }
  b: { kind: http, url: "ftp://x", headers: { "bad header": x } }
  c: { run: "echo {{tasks.a.output}} {{nope}}" }
  d: { kind: noop, requires: [e] }
  e: { kind: noop, requires: [d] }
`);
    const codes = issues.map((issue) => [issue.path, issue.code]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ["plan", "invalid_value"],
        ["extra", "unknown_field"],
        ["defaults.requires", "field_not_allowed"],
        ['tasks["A!"]', "invalid_key"],
        ["tasks.a.url", "field_not_allowed"],
        ["tasks.a.timeout", "invalid_duration"],
        ["tasks.a.priority", "invalid_type"],
        ["tasks.a.requires[0]", "self_reference"],
        ["tasks.a.requires[1]", "unknown_task"],
        ["tasks.a.retries.max", "too_small"],
        ["tasks.b.url", "invalid_url"],
        ['tasks.b.headers["bad header"]', "invalid_key"],
        ["tasks.c.run", "template"],
        ["tasks.d.requires", "cycle"],
      ]),
    );
    expect(issuesOf("plan: p\ntasks: {a: {run: x}, a: {run: y}}\n")[0]?.code).toBe("duplicate_key");
    expect(issuesOf("plan: [unclosed\n")[0]?.code).toBe("syntax");
    expect(issuesOf("")[0]?.code).toBe("empty");
  });
});

describe("nesting limit", () => {
  const nested = (depth: number): unknown => {
    let value: unknown = "leaf";
    for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { deeper: value };
    return value;
  };

  it(`accepts a noop result up to the limit and refuses one level more (${MAX_NESTING_DEPTH} levels)`, () => {
    // The document, `tasks` and the task are three levels: the result gets the rest.
    const fits = validatePlanObject({
      plan: "o",
      tasks: { a: { kind: "noop", result: nested(MAX_NESTING_DEPTH - 3) } },
    });
    expect(fits.ok).toBe(true);
    const deep = validatePlanObject({
      plan: "o",
      tasks: { a: { kind: "noop", result: nested(MAX_NESTING_DEPTH - 2) } },
    });
    expect(deep.ok ? [] : deep.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ["tasks.a.result", "too_deep"],
    ]);
  });

  it("refuses JSON nested thousands deep without overflowing the stack", () => {
    const text = `{"plan": "o", "tasks": {"a": {"kind": "noop", "result": ${"[".repeat(5000)}1${"]".repeat(5000)}}}}`;
    expect(issuesOf(text).map((issue) => [issue.path, issue.code])).toEqual([["tasks.a.result", "too_deep"]]);
    const outcome = validatePlanObject(JSON.parse(text) as unknown);
    expect(outcome.ok ? [] : outcome.issues.map((issue) => issue.code)).toEqual(["too_deep"]);
  });

  it("refuses a YAML alias that refers to itself, with a validation issue", () => {
    for (const text of [
      "plan: o\ntasks:\n  a: { kind: noop, result: &r [ *r ] }\n",
      "plan: o\ntasks:\n  a: &t { kind: noop, result: { again: *t } }\n",
    ]) {
      const issues = issuesOf(text);
      expect(issues.map((issue) => [issue.path, issue.code])).toEqual([["tasks.a.result", "too_deep"]]);
      expect(() => parsePlanText(text)).toThrow(PlanValidationError);
    }
  });
});
