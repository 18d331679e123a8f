import fs from "node:fs";
import path from "node:path";
import { createTestDatabase, postgresDescribe } from "@taskloom/db/postgres-test-database";
import { describe, expect, it } from "vitest";
import { type TestDatabaseFactory, useEngine } from "./engine-fixture.ts";

const describePostgres = await postgresDescribe();

/**
 * Re-importing a plan file: what the file defines (documents, notes, pins and excludes) is exactly what the
 * plan has afterwards; what people and runs added outside the file (overrides, approvals, run-time notes) is
 * kept while its task exists. On both stores.
 */
function reimportSuite(name: string, database?: TestDatabaseFactory) {
  const engine = useEngine("taskloom-reimport-", database);

  function writePlan(parts: {
    documents?: string;
    notes?: string;
    pins?: string;
    extraTask?: string;
  }): string {
    const file = path.join(engine.dir, "brief.yaml");
    fs.writeFileSync(
      file,
      [
        "plan: brief",
        parts.documents ?? "",
        parts.notes ?? "",
        "tasks:",
        "  collect: { run: echo facts }",
        "  summarize:",
        "    kind: llm",
        "    prompt: Sum up.",
        "    requires: [collect]",
        parts.pins ?? "",
        parts.extraTask ?? "",
        "",
      ].join("\n"),
    );
    return file;
  }

  const refs = async () => (await engine.taskloom.context.previewDocument("brief", "summarize")).items;
  const context = () => engine.taskloom.database.context;

  describe(name, () => {
    it("removes the documents, notes, pins and excludes the file no longer lists", async () => {
      await engine.taskloom.importPlanFile(
        writePlan({
          documents:
            'documents:\n  spec: { title: Spec, text: "Price 42." }\n  old: { title: Old, text: "Price 30." }',
          notes: "notes: { audience: CFO, tone: dry }",
          pins: "    pin: [doc:spec]\n    exclude: [doc:old]",
        }),
      );
      await context().setNote("brief", "learned", "written by a run", Date.now());
      const first = await refs();
      expect(first.find((item) => item.ref === "doc:spec")).toMatchObject({ tier: "pinned" });
      expect(first.find((item) => item.ref === "doc:old")).toMatchObject({ decision: "excluded" });

      await engine.taskloom.importPlanFile(
        writePlan({
          documents: 'documents:\n  spec: { title: Spec, text: "Price 42." }',
          notes: "notes: { audience: CFO }",
        }),
      );
      expect((await context().listDocuments("brief")).map((doc) => doc.key)).toEqual(["spec"]);
      expect(await context().listNotes("brief")).toEqual([
        { key: "audience", value: "CFO" },
        { key: "learned", value: "written by a run" },
      ]);
      const second = await refs();
      expect(second.map((item) => item.ref)).not.toContain("doc:old");
      expect(second.map((item) => item.ref)).not.toContain("note:tone");
      expect(second.find((item) => item.ref === "doc:spec")?.tier).not.toBe("pinned");

      // A file with no documents or notes at all removes every one it had.
      await engine.taskloom.importPlanFile(writePlan({}));
      expect(await context().listDocuments("brief")).toEqual([]);
      expect(await context().listNotes("brief")).toEqual([{ key: "learned", value: "written by a run" }]);
      expect((await refs()).map((item) => item.ref)).not.toContain("doc:spec");
    });

    it("keeps a person's overrides and approval while their task exists, and drops them with it", async () => {
      await engine.taskloom.importPlanFile(
        writePlan({ extraTask: "  draft:\n    kind: llm\n    prompt: Draft." }),
      );
      await engine.taskloom.context.setOverride("brief", "summarize", "task:collect", "exclude");
      await engine.taskloom.context.setOverride("brief", "draft", "task:collect", "pin");
      await engine.taskloom.context.approve("brief", "draft");
      await engine.taskloom.importPlanFile(writePlan({}));
      expect((await context().listOverrides("brief", "summarize")).map((o) => o.ref)).toEqual([
        "task:collect",
      ]);
      expect(await context().listOverrides("brief", "draft")).toEqual([]);
      expect(await context().getApproval("brief", "draft")).toBeNull();
      expect((await refs()).find((item) => item.ref === "task:collect")).toMatchObject({
        decision: "excluded",
      });
      // Added again, the task starts with no steering.
      await engine.taskloom.importPlanFile(
        writePlan({ extraTask: "  draft:\n    kind: llm\n    prompt: Draft." }),
      );
      expect(await context().listOverrides("brief", "draft")).toEqual([]);
    });
  });
}

reimportSuite("re-import on SQLite");

describePostgres("PostgreSQL", () => {
  reimportSuite("re-import on PostgreSQL", async () => createTestDatabase());
});
