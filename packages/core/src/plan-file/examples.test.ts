import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serializePlan, validatePlanText } from "./index.ts";
import { readExamples } from "./test-examples.ts";

const examples = readExamples();
const valid = examples.filter(({ file }) => !file.startsWith("broken-"));
const broken = examples.filter(({ file }) => file.startsWith("broken-"));
/** Documents given by `path` resolve against the examples folder, as `importPlanFile` does. */
const readDocument = (file: string) =>
  readFileSync(new URL(`../../../../examples/${file}`, import.meta.url), "utf8");

describe("examples", () => {
  it("has the expected files", () => {
    expect(valid.map(({ file }) => file)).toEqual(
      expect.arrayContaining(["diamond.yaml", "etl.yaml", "flaky.yaml"]),
    );
    expect(broken.length).toBeGreaterThanOrEqual(3);
  });

  it.each(valid)("$file is valid and round-trips through YAML and JSON", ({ text }) => {
    const outcome = validatePlanText(text, { readDocument });
    if (!outcome.ok) expect.fail(JSON.stringify(outcome.issues, null, 2));
    for (const format of ["yaml", "json"] as const) {
      const again = validatePlanText(serializePlan(outcome.plan, format), { format });
      expect(again).toEqual(outcome);
    }
  });

  it.each(broken)("$file fails with the message in its `# expect-error:` comment", ({ text }) => {
    const expected = /^# expect-error: (.+)$/m.exec(text)?.[1];
    expect(expected).toBeDefined();
    const outcome = validatePlanText(text);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues.map((issue) => issue.message)).toContain(expected);
    for (const issue of outcome.issues) expect(issue.line).toBeGreaterThan(0);
  });

  it("etl.yaml has the shape the brief asks for", () => {
    const etl = valid.find(({ file }) => file === "etl.yaml");
    const outcome = validatePlanText(etl?.text ?? "");
    if (!outcome.ok) return expect.fail("etl.yaml is invalid");
    const { plan } = outcome;
    expect(plan.tasks.length).toBeGreaterThanOrEqual(5);
    expect(plan.tasks.length).toBeLessThanOrEqual(8);
    expect(plan.params).toHaveProperty("day");
    expect(plan.tasks.some((task) => task.refers.length > 0)).toBe(true);
    expect(plan.tasks.some((task) => task.output === "json")).toBe(true);
    expect(plan.tasks.some((task) => task.requires.length >= 2)).toBe(true);
    expect(plan.tasks.every((task) => task.kind === "shell")).toBe(true);
  });
});
