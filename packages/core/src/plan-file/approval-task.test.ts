import { describe, expect, it } from "vitest";
import { serializePlan, validatePlanText } from "./index.ts";

const PLAN = `plan: release
defaults: { timeout: 5m }
tasks:
  build:
    run: echo built
  gate:
    kind: approval
    prompt: "Ship the build to production?"
    description: "Check the **changelog** first."
    requires: [build]
    timeout: 2h
    onTimeout: approve
    form:
      properties:
        env: { type: string, enum: [staging, prod], default: staging }
        replicas: { type: integer, minimum: 1, maximum: 10, title: Replicas, default: 1 }
        reason: { type: string, minLength: 1, default: "scheduled" }
        notify: { type: boolean }
      required: [replicas, reason]
  deploy:
    run: echo {{tasks.gate.output}}
    requires: [gate]
`;

function issuesOf(text: string) {
  const result = validatePlanText(text);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe("approval tasks in the plan file", () => {
  it("reads the prompt, the form, the timeout and its outcome, without the step timeout default", () => {
    const result = validatePlanText(PLAN);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const gate = result.plan.tasks.find((task) => task.key === "gate");
    expect(gate?.timeoutMs).toBeNull();
    expect(gate?.spec).toEqual({
      kind: "approval",
      prompt: "Ship the build to production?",
      description: "Check the **changelog** first.",
      timeoutMs: 2 * 3600_000,
      onTimeout: "approve",
      form: {
        type: "object",
        properties: {
          env: { type: "string", enum: ["staging", "prod"], default: "staging" },
          replicas: { type: "integer", minimum: 1, maximum: 10, title: "Replicas", default: 1 },
          reason: { type: "string", minLength: 1, default: "scheduled" },
          notify: { type: "boolean" },
        },
        required: ["replicas", "reason"],
      },
    });
  });

  it("defaults to no form, no timeout and reject", () => {
    const result = validatePlanText("plan: p\ntasks:\n  gate: { kind: approval }\n");
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.plan.tasks[0]?.spec).toEqual({
      kind: "approval",
      prompt: null,
      description: null,
      form: null,
      timeoutMs: null,
      onTimeout: "reject",
    });
  });

  it("round-trips through the serializer", () => {
    const result = validatePlanText(PLAN);
    if (!result.ok) throw new Error("invalid");
    const again = validatePlanText(serializePlan(result.plan, "yaml"));
    if (!again.ok) throw new Error(JSON.stringify(again.issues));
    expect(again.plan).toEqual(result.plan);
  });

  it("reports every problem of a form with its path", () => {
    const text = `plan: p
tasks:
  gate:
    kind: approval
    onTimeout: later
    run: echo no
    form:
      type: array
      colour: red
      properties:
        count: { type: integer, minimum: 5, maximum: 1, default: 0.5 }
        name: { type: string, minimum: 1, enum: [a, 2] }
        flag: { type: boolean, enum: [true] }
        size: { type: float }
        "1bad": { type: string }
        level: { type: number, enum: [1, 2], default: 3 }
      required: [count, missing]
`;
    expect(issuesOf(text)).toEqual(
      expect.arrayContaining([
        "tasks.gate.run: field `run` is not valid for kind approval",
        expect.stringMatching(/^tasks\.gate\.onTimeout: /),
        "tasks.gate.form.type: a form is an object: expected `object`, got a string",
        "tasks.gate.form.colour: unknown field `colour` (allowed: type, properties, required)",
        "tasks.gate.form.properties.count.minimum: `minimum` (5) is greater than the maximum (1)",
        "tasks.gate.form.properties.name.minimum: `minimum` applies to number and integer fields only",
        "tasks.gate.form.properties.name.enum[1]: expected a string, got a number",
        "tasks.gate.form.properties.flag.enum: `enum` applies to string, number and integer fields only",
        expect.stringMatching(/^tasks\.gate\.form\.properties\.size\.type: /),
        "tasks.gate.form.properties.1bad: invalid field name `1bad`: use letters, digits and `_`, not starting with a digit",
        "tasks.gate.form.properties.level.default: the default must be one of 1, 2",
        "tasks.gate.form.required[1]: unknown field `missing` in required",
      ]),
    );
  });

  it("refuses onTimeout: approve when a required field has no default", () => {
    const text =
      "plan: p\ntasks:\n  gate:\n    kind: approval\n    onTimeout: approve\n    form: { properties: { n: { type: number } }, required: [n] }\n";
    expect(issuesOf(text)).toEqual([
      "tasks.gate.onTimeout: onTimeout: approve fills the form with its defaults, so required field `n` needs a `default`",
    ]);
  });

  it("lets a prompt belong to an approval as to an llm task, and not to a shell step", () => {
    expect(issuesOf("plan: p\ntasks:\n  a: { kind: approval, prompt: Go? }\n")).toEqual([]);
    expect(issuesOf("plan: p\ntasks:\n  a: { run: echo, prompt: Go? }\n")).toEqual([
      "tasks.a.prompt: field `prompt` is not valid for kind shell",
    ]);
  });
});
