import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PlanValidationResult, serializePlan, validatePlanText } from "./index.ts";
import { planArbitrary } from "./test-arbitraries.ts";
import { readExamples } from "./test-examples.ts";

/** The contract: a plan, or at least one issue, each with a non-empty message; never an exception. */
function expectWellFormed(outcome: PlanValidationResult): void {
  if (outcome.ok) {
    expect(typeof outcome.plan.slug).toBe("string");
    return;
  }
  expect(outcome.issues.length).toBeGreaterThan(0);
  for (const issue of outcome.issues) {
    expect(typeof issue.path).toBe("string");
    expect(typeof issue.message).toBe("string");
    expect(issue.message.length).toBeGreaterThan(0);
    if (issue.line !== undefined) expect(issue.line).toBeGreaterThan(0);
  }
}

type Mutation =
  | { type: "delete"; at: number }
  | { type: "duplicate"; at: number }
  | { type: "swap"; at: number }
  | { type: "inject"; at: number; indent: number; key: string; value: string }
  | { type: "indent"; at: number; delta: number }
  | { type: "insert"; at: number; text: string };

const yamlishValue = fc.oneof(
  fc.constantFrom("", "x", "[a, b]", "{ a: 1 }", "null", "-1", "5m", "|", "&a", "*a", "{{params.day}}", '"'),
  fc.string({ maxLength: 12 }),
);

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ type: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ type: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ type: fc.constant("swap" as const), at: fc.nat() }),
  fc.record({
    type: fc.constant("inject" as const),
    at: fc.nat(),
    indent: fc.nat({ max: 8 }),
    key: fc.oneof(
      fc.constantFrom(
        "run",
        "kind",
        "requires",
        "refers",
        "timeout",
        "retries",
        "tasks",
        "plan",
        "url",
        "result",
      ),
      fc.string({ maxLength: 8 }),
    ),
    value: yamlishValue,
  }),
  fc.record({ type: fc.constant("indent" as const), at: fc.nat(), delta: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ type: fc.constant("insert" as const), at: fc.nat(), text: fc.string({ maxLength: 6 }) }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let lines = text.split("\n");
  for (const mutation of mutations) {
    const at = lines.length === 0 ? 0 : mutation.at % lines.length;
    const line = lines[at] ?? "";
    switch (mutation.type) {
      case "delete":
        lines = [...lines.slice(0, at), ...lines.slice(at + 1)];
        break;
      case "duplicate":
        lines = [...lines.slice(0, at), line, ...lines.slice(at)];
        break;
      case "swap": {
        const flat = lines.join("\n");
        const i = flat.length < 2 ? 0 : mutation.at % (flat.length - 1);
        lines = `${flat.slice(0, i)}${flat.charAt(i + 1)}${flat.charAt(i)}${flat.slice(i + 2)}`.split("\n");
        break;
      }
      case "inject":
        lines = [
          ...lines.slice(0, at),
          `${" ".repeat(mutation.indent)}${mutation.key}: ${mutation.value}`,
          ...lines.slice(at),
        ];
        break;
      case "indent":
        lines[at] =
          mutation.delta >= 0 ? `${" ".repeat(mutation.delta)}${line}` : line.slice(-mutation.delta);
        break;
      case "insert": {
        const column = line.length === 0 ? 0 : mutation.at % line.length;
        lines[at] = `${line.slice(0, column)}${mutation.text}${line.slice(column)}`;
        break;
      }
    }
  }
  return lines.join("\n");
}

const exampleTexts = readExamples().map(({ text }) => text);

describe("validatePlanText fuzzing", () => {
  it("never throws on random strings", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 200 }),
          fc.string({ unit: "grapheme-ascii", maxLength: 200 }),
          fc
            .array(
              fc.constantFrom(
                "plan: p",
                "tasks:",
                "  a:",
                "    run: x",
                "- ",
                "{",
                "}",
                "[",
                ":",
                "&x",
                "*x",
                "\t",
              ),
              {
                maxLength: 30,
              },
            )
            .map((parts) => parts.join("\n")),
        ),
        fc.constantFrom(undefined, "yaml" as const, "json" as const),
        (text, format) => {
          expectWellFormed(validatePlanText(text, format === undefined ? {} : { format }));
        },
      ),
      { numRuns: 1_000 },
    );
  }, 60_000);

  it("never throws on mutated example plans, and what still validates round-trips", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...exampleTexts),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 5 }),
        (text, mutations) => {
          const outcome = validatePlanText(mutate(text, mutations));
          expectWellFormed(outcome);
          if (outcome.ok) {
            expect(validatePlanText(serializePlan(outcome.plan, "yaml"))).toEqual(outcome);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  }, 60_000);

  it("never throws on mutated serialized random plans", () => {
    fc.assert(
      fc.property(
        planArbitrary,
        fc.constantFrom("yaml" as const, "json" as const),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }),
        (plan, format, mutations) => {
          expectWellFormed(validatePlanText(mutate(serializePlan(plan, format), mutations), { format }));
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});
