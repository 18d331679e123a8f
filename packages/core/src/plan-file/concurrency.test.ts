import { describe, expect, it } from "vitest";
import { renderConcurrency } from "./concurrency.ts";
import { serializePlan } from "./serialize.ts";
import { parsePlanText, validatePlanObject } from "./validate.ts";

const plan = (task: Record<string, unknown>, params: Record<string, unknown> = { env: "prod" }) =>
  validatePlanObject({ plan: "p", params, tasks: { deploy: { kind: "noop", ...task } } });

function messages(task: Record<string, unknown>): string[] {
  const result = plan(task);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe("plan file: concurrency keys", () => {
  it("reads a templated key with its limit, defaulting the limit to 1", () => {
    const keyed = plan({ concurrencyKey: "deploy:{{params.env}}", concurrencyLimit: 3 });
    expect(keyed.ok && keyed.plan.tasks[0]?.concurrency).toEqual({ key: "deploy:{{params.env}}", limit: 3 });
    const single = plan({ concurrencyKey: "deploy" });
    expect(single.ok && single.plan.tasks[0]?.concurrency).toEqual({ key: "deploy", limit: 1 });
    const none = plan({});
    expect(none.ok && "concurrency" in (none.plan.tasks[0] ?? {})).toBe(false);
  });

  it("turns `exclusive: true` into limit 1 keyed by the plan and task", () => {
    const result = plan({ exclusive: true });
    const task = result.ok ? result.plan.tasks[0] : undefined;
    expect(task?.concurrency).toEqual({ key: "{{plan.slug}}/deploy", limit: 1, exclusive: true });
    expect(renderConcurrency(task ?? {}, { params: {}, run: { id: "r1" }, plan: { slug: "p" } })).toEqual({
      key: "p/deploy",
      limit: 1,
    });
  });

  it("rejects limits that are not whole numbers of at least 1, with the field's path", () => {
    expect(messages({ concurrencyKey: "k", concurrencyLimit: 0 })).toEqual([
      "tasks.deploy.concurrencyLimit: must be at least 1",
    ]);
    expect(messages({ concurrencyKey: "k", concurrencyLimit: 1.5 })).toHaveLength(1);
    expect(messages({ concurrencyKey: "k", concurrencyLimit: "2" })).toHaveLength(1);
  });

  it("rejects `exclusive` together with a key or limit, and a limit without a key", () => {
    expect(messages({ exclusive: true, concurrencyKey: "k" })[0]).toMatch(
      /^tasks\.deploy\.exclusive: `exclusive: true` means limit 1 keyed by this task/,
    );
    expect(messages({ concurrencyLimit: 2 })).toEqual([
      "tasks.deploy.concurrencyLimit: `concurrencyLimit` needs a `concurrencyKey` (the attempts it counts are those with the same key)",
    ]);
    expect(messages({ exclusive: "yes" })).toEqual([
      "tasks.deploy.exclusive: expected true or false, got a string",
    ]);
  });

  it("checks the key's template: declared params only, and no upstream outputs", () => {
    expect(messages({ concurrencyKey: "{{params.region}}" })[0]).toMatch(
      /param `region`, which is declared neither/,
    );
    const upstream = validatePlanObject({
      plan: "p",
      tasks: {
        a: { kind: "noop" },
        b: { kind: "noop", requires: ["a"], concurrencyKey: "{{tasks.a.output}}" },
      },
    });
    expect(upstream.ok ? [] : upstream.issues.map((issue) => issue.message)).toEqual([
      "{{tasks.a.output}}: a concurrency key is rendered when the run starts, before any upstream has an output; use {{params.NAME}}, {{run.id}} or {{plan.slug}}",
    ]);
  });

  it("renders the key with the run's params, and survives serialize → parse", () => {
    const result = plan({ concurrencyKey: "deploy:{{params.env}}", concurrencyLimit: 2 });
    if (!result.ok) throw new Error("plan should be valid");
    const task = result.plan.tasks[0] ?? {};
    const context = { params: { env: "staging" }, run: { id: "r" }, plan: { slug: "p" } };
    expect(renderConcurrency(task, context)).toEqual({ key: "deploy:staging", limit: 2 });
    expect(parsePlanText(serializePlan(result.plan, "yaml"))).toEqual(result.plan);
    const exclusive = plan({ exclusive: true });
    if (!exclusive.ok) throw new Error("plan should be valid");
    expect(serializePlan(exclusive.plan, "yaml")).toContain("exclusive: true");
    expect(parsePlanText(serializePlan(exclusive.plan, "yaml"))).toEqual(exclusive.plan);
  });
});
