import {
  ConflictError,
  type ContextStore,
  type DraftStore,
  NotFoundError,
  parsePlanObject,
  StalePlanVersionError,
} from "@taskloom/core";
import { describe, expect, it } from "vitest";
import type { ContractStore } from "./store-contract.ts";

/**
 * The draft-mark part of the store contract (run on every store by `describeStoreContract`): marking,
 * reading, approving (clearing, or importing a draft into its plan) and discarding drafts, and that
 * discarding never deletes an ordinary plan.
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

    it("approves a draft into a plan in one import: the merged version, the draft's context, the draft gone", async () => {
      const { drafts, store, context } = current();
      await importPlan("target");
      const draft = parsePlanObject({
        plan: "target-draft",
        documents: { spec: { title: "Spec", text: "Draft spec." }, extra: { title: "Extra", text: "More." } },
        notes: { audience: "CFO" },
        tasks: { c: { kind: "noop" } },
      });
      await store.importPlan(draft, { baseDir: null, now: 1 });
      const draftContext = { documents: draft.documents ?? [], notes: draft.notes ?? {} };
      await context.syncPlanContext("target-draft", draftContext, 1);
      await drafts.markDraft({
        planSlug: "target-draft",
        goal: "g",
        model: "m",
        into: "target",
        createdAt: 1,
      });
      const target = await store.getPlanDefinition("target");
      const merged = parsePlanObject({
        plan: "target",
        documents: { spec: { title: "Spec", text: "Draft spec." }, extra: { title: "Extra", text: "More." } },
        notes: { audience: "CFO" },
        tasks: { a: { kind: "noop" }, b: { kind: "noop", requires: ["a"] }, c: { kind: "noop" } },
      });
      const approve = (opts: { expectedVersion: number; approvingDraft: string }) =>
        store.importPlan(merged, { baseDir: null, now: 2, reason: "edit", ...opts });

      // Refused, nothing changed and the draft kept: the plan moved on, or the draft is not one into it.
      const stale = approve({ expectedVersion: target.version + 1, approvingDraft: "target-draft" });
      await expect(stale).rejects.toBeInstanceOf(StalePlanVersionError);
      await importPlan("other");
      const wrong = approve({ expectedVersion: target.version, approvingDraft: "other" });
      await expect(wrong).rejects.toBeInstanceOf(ConflictError);
      expect((await store.getPlanDefinition("target")).version).toBe(target.version);
      expect(await context.listDocuments("target")).toHaveLength(1);
      expect(await drafts.getDraft("target-draft")).toMatchObject({ into: "target" });
      expect(await context.listDocuments("target-draft")).toHaveLength(2);

      const saved = await approve({ expectedVersion: target.version, approvingDraft: "target-draft" });
      expect(saved.version).toBe(target.version + 1);
      const stored = await store.getPlanDefinition("target");
      expect(stored.definition.tasks.map((task) => task.key)).toEqual(["a", "b", "c"]);
      expect(await context.listDocuments("target")).toEqual([
        { key: "extra", title: "Extra", text: "More." },
        { key: "spec", title: "Spec", text: "Draft spec." },
      ]);
      expect(await context.listNotes("target")).toEqual([{ key: "audience", value: "CFO" }]);
      await expect(store.getPlanDefinition("target-draft")).rejects.toBeInstanceOf(NotFoundError);
      expect(await drafts.listDrafts()).toEqual([]);
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
