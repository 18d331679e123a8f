import { type ContextStore, type DraftStore, NotFoundError, parsePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import type { ContractStore } from "./store-contract.ts";

/**
 * The draft-mark part of the store contract (run on every store by `describeStoreContract`): marking,
 * reading, approving (clearing) and discarding drafts, and that discarding never deletes an ordinary plan.
 */
export function describeDraftContract(
  current: () => { store: ContractStore; context: ContextStore; drafts: DraftStore },
): void {
  async function importPlan(slug: string): Promise<void> {
    const plan = parsePlanObject({
      plan: slug,
      documents: { spec: { title: "Spec", text: "Draft spec." } },
      tasks: { a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] } },
    });
    await current().store.importPlan(plan, { baseDir: null, now: 0 });
    await current().context.syncPlanContext(slug, { documents: plan.documents ?? [], notes: {} }, 0);
  }
  const mark = (planSlug: string, createdAt: number) =>
    current().drafts.markDraft({ planSlug, goal: `goal of ${planSlug}`, model: "m", into: null, createdAt });

  describe("drafts", () => {
    it("marks plans as drafts, reads and lists them newest first, and approves one by clearing its mark", async () => {
      const { drafts } = current();
      await importPlan("one");
      await importPlan("two");
      await importPlan("plain");
      expect(await drafts.getDraft("one")).toBeNull();
      await mark("one", 10);
      await mark("two", 20);
      expect(await drafts.getDraft("one")).toEqual({
        planSlug: "one",
        goal: "goal of one",
        model: "m",
        into: null,
        createdAt: 10,
      });
      expect((await drafts.listDrafts()).map((d) => d.planSlug)).toEqual(["two", "one"]);
      // Marking again replaces the mark.
      await drafts.markDraft({
        planSlug: "one",
        goal: "better goal",
        model: "m2",
        into: "plain",
        createdAt: 30,
      });
      expect(await drafts.getDraft("one")).toMatchObject({
        goal: "better goal",
        model: "m2",
        into: "plain",
        createdAt: 30,
      });
      expect(await drafts.clearDraft("one")).toBe(true);
      expect(await drafts.clearDraft("one")).toBe(false);
      expect(await drafts.getDraft("one")).toBeNull();
      expect((await current().store.getPlanDefinition("one")).definition.tasks).toHaveLength(2);
      expect((await drafts.listDrafts()).map((d) => d.planSlug)).toEqual(["two"]);
    });

    it("discards a draft with everything of it, and never an ordinary plan", async () => {
      const { drafts, store, context } = current();
      await importPlan("draft");
      await importPlan("kept");
      await mark("draft", 1);
      await context.setOverride("draft", "b", "task:a", "pin", 1);
      expect(await drafts.discardDraft("kept")).toBe(false);
      expect((await store.getPlanDefinition("kept")).definition.tasks).toHaveLength(2);
      expect(await drafts.discardDraft("draft")).toBe(true);
      await expect(store.getPlanDefinition("draft")).rejects.toBeInstanceOf(NotFoundError);
      await expect(context.listDocuments("draft")).rejects.toBeInstanceOf(NotFoundError);
      expect(await drafts.listDrafts()).toEqual([]);
      // The slug is free again: a new plan of that name starts empty of the draft's context.
      await importPlan("draft");
      expect(await context.listOverrides("draft", "b")).toEqual([]);
      expect(await context.listDocuments("kept")).toHaveLength(1);
    });

    it("refuses unknown plans with NotFoundError", async () => {
      const { drafts } = current();
      await expect(mark("nope", 1)).rejects.toBeInstanceOf(NotFoundError);
      await expect(drafts.getDraft("nope")).rejects.toBeInstanceOf(NotFoundError);
      await expect(drafts.clearDraft("nope")).rejects.toBeInstanceOf(NotFoundError);
      await expect(drafts.discardDraft("nope")).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
