import { ConflictError, parsePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { mergeDraftInto } from "./draft-merge.ts";

const target = parsePlanObject({
  plan: "team",
  name: "Team",
  index: "Hiring.",
  params: { level: "senior" },
  documents: { spec: { title: "Spec", text: "Two hires." } },
  tasks: { source: { kind: "noop" } },
});

describe("mergeDraftInto", () => {
  it("adds the draft's tasks, documents, notes and params; the target's own fields stay", () => {
    const draft = parsePlanObject({
      plan: "team-draft",
      name: "Draft",
      params: { level: "senior", city: "Lyon" },
      documents: { spec: { title: "Spec", text: "Two hires." }, ladder: { title: "Ladder", text: "L1-L5" } },
      notes: { budget: "tight" },
      tasks: {
        screen: { kind: "noop" },
        offer: { kind: "llm", prompt: "Offer.", requires: ["screen"], pin: ["doc:ladder"] },
      },
    });
    const merged = mergeDraftInto(target, draft);
    expect(merged).toMatchObject({ slug: "team", name: "Team", index: "Hiring." });
    expect(merged.tasks.map((task) => task.key)).toEqual(["source", "screen", "offer"]);
    expect(merged.documents?.map((doc) => doc.key).sort()).toEqual(["ladder", "spec"]);
    expect(merged.notes).toEqual({ budget: "tight" });
    expect(merged.params).toEqual({ level: "senior", city: "Lyon" });
  });

  it("refuses keys the target has with other contents, naming them", () => {
    const sameTask = parsePlanObject({ plan: "d", tasks: { source: { kind: "noop" } } });
    expect(() => mergeDraftInto(target, sameTask)).toThrow(ConflictError);
    expect(() => mergeDraftInto(target, sameTask)).toThrow("plan `team` already has the tasks `source`");
    const otherParam = parsePlanObject({
      plan: "d",
      params: { level: "junior" },
      tasks: { x: { kind: "noop" } },
    });
    expect(() => mergeDraftInto(target, otherParam)).toThrow("already has the params `level`");
  });
});
