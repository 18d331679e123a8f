import { validatePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { planContextChange } from "./plan-editor.ts";

function definition(extra: Record<string, unknown>) {
  const result = validatePlanObject({ plan: "p", tasks: { a: { kind: "noop" } }, ...extra });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.plan;
}

describe("planContextChange", () => {
  it("is null when an edit left documents and notes alone", () => {
    const plan = definition({ documents: { spec: { text: "x" } }, notes: { a: "1" } });
    expect(planContextChange(plan, { ...plan, index: "changed" })).toBeNull();
    expect(planContextChange(definition({}), definition({}))).toBeNull();
  });

  it("lists the documents and notes after the edit and the keys it removed", () => {
    const before = definition({
      documents: { spec: { text: "x" }, old: { text: "y" } },
      notes: { a: "1", b: "2" },
    });
    const after = definition({ documents: { spec: { text: "x2" } }, notes: { a: "1" } });
    expect(planContextChange(before, after)).toEqual({
      documents: [{ key: "spec", title: "spec", text: "x2" }],
      notes: { a: "1" },
      removed: { documents: ["old"], notes: ["b"] },
    });
  });
});
