import { describe, expect, it } from "vitest";
import { DEFAULT_CONTEXT_POLICY } from "../context-types.ts";
import { serializePlan, validatePlanText } from "./index.ts";

const LLM_PLAN = `plan: brief
params: { topic: pricing }
documents:
  spec: { title: Product spec, path: docs/spec.md }
  glossary: { title: Glossary, text: "ARR: annual recurring revenue." }
notes: { audience: "CFO, non-technical", year: 2026 }
tasks:
  collect:
    run: echo facts
  scratch:
    run: echo scratch
  style-guide:
    kind: noop
    result: "Short sentences."
  summarize:
    kind: llm
    prompt: "Write a brief on {{params.topic}} from {{tasks.collect.output}}."
    system: "You are precise."
    model: gpt-4o-mini
    temperature: 0.2
    maxTokens: 800
    output: json
    requires: [collect]
    refers: [style-guide]
    duplicates: [scratch]
    relatesTo: [scratch]
    context:
      budget: 6000
      k: 3
      summarize: "off"
      include: { siblings: false }
    pin: [doc:spec, note:audience]
    exclude: [task:scratch]
`;

const readDocument = (file: string) => {
  if (file === "docs/spec.md") return "# Spec\nThe spec.";
  throw new Error("ENOENT: no such file");
};

function issuesOf(text: string) {
  const outcome = validatePlanText(text, { readDocument });
  if (outcome.ok) throw new Error("expected issues");
  return outcome.issues.map(({ path, message, line }) => ({ path, message, line }));
}

describe("kind: llm, documents and notes in the plan file", () => {
  it("reads every field, with documents read through the reader", () => {
    const outcome = validatePlanText(LLM_PLAN, { readDocument });
    if (!outcome.ok) return expect.fail(JSON.stringify(outcome.issues));
    const { plan } = outcome;
    expect(plan.documents).toEqual([
      { key: "spec", title: "Product spec", text: "# Spec\nThe spec." },
      { key: "glossary", title: "Glossary", text: "ARR: annual recurring revenue." },
    ]);
    expect(plan.notes).toEqual({ audience: "CFO, non-technical", year: "2026" });
    const task = plan.tasks.find((t) => t.key === "summarize");
    expect(task?.output).toBe("json");
    expect(task?.duplicates).toEqual(["scratch"]);
    expect(task?.relatesTo).toEqual(["scratch"]);
    expect(task?.spec).toEqual({
      kind: "llm",
      prompt: "Write a brief on {{params.topic}} from {{tasks.collect.output}}.",
      system: "You are precise.",
      model: "gpt-4o-mini",
      temperature: 0.2,
      maxTokens: 800,
      context: {
        budget: 6000,
        k: 3,
        summarize: "off",
        include: { siblings: false, notes: true, retrieval: true },
      },
      pin: ["doc:spec", "note:audience"],
      exclude: ["task:scratch"],
    });
  });

  it("applies the context defaults", () => {
    const outcome = validatePlanText("plan: p\ntasks:\n  a:\n    kind: llm\n    prompt: hi\n");
    if (!outcome.ok) return expect.fail(JSON.stringify(outcome.issues));
    expect(outcome.plan.tasks[0]?.spec).toEqual({
      kind: "llm",
      prompt: "hi",
      system: null,
      model: null,
      temperature: null,
      maxTokens: null,
      context: DEFAULT_CONTEXT_POLICY,
      pin: [],
      exclude: [],
    });
    expect(outcome.plan.documents).toBeUndefined();
  });

  it("round-trips through YAML and JSON with documents inline as text", () => {
    const outcome = validatePlanText(LLM_PLAN, { readDocument });
    if (!outcome.ok) return expect.fail("invalid");
    for (const format of ["yaml", "json"] as const) {
      const text = serializePlan(outcome.plan, format);
      expect(text).not.toContain("docs/spec.md");
      // No reader: the exported plan needs none, its documents are inline.
      expect(validatePlanText(text, { format })).toEqual(outcome);
    }
  });

  it("reports a missing document file with its path and line", () => {
    const text = LLM_PLAN.replace("docs/spec.md", "docs/missing.md");
    expect(issuesOf(text)).toEqual([
      {
        path: "documents.spec.path",
        message: "cannot read document `docs/missing.md`: ENOENT: no such file",
        line: 4,
      },
    ]);
  });

  it("refuses a path document when there is no folder to read it from", () => {
    const outcome = validatePlanText(LLM_PLAN);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues[0]?.message).toMatch(/has no folder; use `text` or import the file/);
  });

  it("checks refs: shape, unknown tasks and documents, the task itself", () => {
    const text = `plan: p
tasks:
  a:
    kind: llm
    prompt: hi
    pin: [doc:nope, "task:a", note:later]
    exclude: [task:zz]
    relatesTo: [zz]
  b:
    kind: llm
    prompt: hi
    pin: [bogus]
`;
    expect(issuesOf(text)).toEqual([
      {
        path: "tasks.a.pin[0]",
        message: "unknown document `nope` in `doc:nope` (declare it under documents)",
        line: 6,
      },
      {
        path: "tasks.a.pin[1]",
        message: "a task cannot put its own output in its context (`task:a`)",
        line: 6,
      },
      {
        path: "tasks.a.exclude[0]",
        message: "unknown task `zz` in `task:zz`",
        line: 7,
      },
      { path: "tasks.a.relatesTo[0]", message: "unknown task `zz` in relatesTo", line: 8 },
      {
        path: "tasks.b.pin[0]",
        message: 'invalid context item ref "bogus": expected index, task:<key>, doc:<key> or note:<key>',
        line: 12,
      },
    ]);
  });

  it("reports llm fields on other kinds, a missing prompt and bad policy values", () => {
    const text = `plan: p
tasks:
  a:
    run: echo
    prompt: hi
  b:
    kind: llm
    temperature: 7
    context: { budget: -1, summarize: abstractive }
  c:
    kind: llm
    prompt: "{{tasks.a.output}}"
`;
    const messages = issuesOf(text).map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toContain("tasks.a.prompt: field `prompt` is not valid for kind shell");
    expect(messages).toContain("tasks.b: missing required field `prompt` (for kind llm)");
    expect(messages.some((m) => m.startsWith("tasks.b.temperature:"))).toBe(true);
    expect(messages.some((m) => m.startsWith("tasks.b.context.budget:"))).toBe(true);
    expect(messages.some((m) => m.startsWith("tasks.b.context.summarize:"))).toBe(true);
    expect(messages).toContain(
      "tasks.c.prompt: {{tasks.a.output}} refers to `a`, which this task does not require",
    );
  });
});
