import { createHash } from "node:crypto";
import {
  ConflictError,
  canonicalJson,
  type ImportPlanOptions,
  type ImportPlanResult,
  type PlanDefinition,
  planLinks,
  StalePlanVersionError,
} from "@taskloom/core";
import { type NewId, taskIdsOf } from "../new-id.ts";
import { prepareBatchedInsert } from "./batched-insert.ts";
import { prepareEventWriter } from "./event-writer.ts";
import type { SqliteDatabase } from "./open-sqlite-database.ts";

export type { NewId };

/**
 * Import: upserts a plan, its tasks and links by slug and key. The version bumps only when the canonical
 * definition (or its base directory) changed, so re-importing the same file is a no-op. Editor positions of
 * tasks that still exist are kept. Context steering (overrides, approvals) follows renamed tasks and is
 * deleted with the tasks the plan no longer has, in the same transaction; so is an approved draft
 * (`approvingDraft`).
 */
export function prepareImportPlan(
  db: SqliteDatabase,
  newId: NewId,
): (definition: PlanDefinition, opts: ImportPlanOptions) => ImportPlanResult {
  const writeEvent = prepareEventWriter(db);
  const findPlan = db.prepare<[string], { id: string; version: number; definition_hash: string }>(
    "SELECT id, version, definition_hash FROM plans WHERE slug = ?",
  );
  const insertPlan = db.prepare(
    `INSERT INTO plans (id, slug, name, goal, index_doc, params_json, definition_json, definition_hash, base_dir,
                        version, created_at, updated_at)
     VALUES (@id, @slug, @name, @goal, @index, @params, @definition, @hash, @baseDir, 1, @now, @now)`,
  );
  const updatePlan = db.prepare(
    `UPDATE plans SET name = @name, goal = @goal, index_doc = @index, params_json = @params,
            definition_json = @definition, definition_hash = @hash, base_dir = @baseDir,
            version = version + 1, updated_at = @now
      WHERE id = @id`,
  );
  const deleteTasks = db.prepare(
    "DELETE FROM tasks WHERE plan_id = ? AND key NOT IN (SELECT value FROM json_each(?))",
  );
  const upsertTasks = prepareBatchedInsert(db, {
    into: "INSERT INTO tasks (id, plan_id, key, name, kind, position, spec_json, priority, queue, retry_json, timeout_ms)",
    row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    suffix: `ON CONFLICT(plan_id, key) DO UPDATE SET name = excluded.name, kind = excluded.kind,
        position = excluded.position, spec_json = excluded.spec_json, priority = excluded.priority,
        queue = excluded.queue, retry_json = excluded.retry_json, timeout_ms = excluded.timeout_ms`,
  });
  const deleteLinks = db.prepare("DELETE FROM task_links WHERE plan_id = ?");
  const place = db.prepare("UPDATE tasks SET position_x = ?, position_y = ? WHERE plan_id = ? AND key = ?");
  const insertLinks = prepareBatchedInsert(db, {
    into: "INSERT INTO task_links (plan_id, from_key, to_key, kind)",
    row: "(?, ?, ?, ?)",
  });
  const steering = ["context_overrides", "context_approvals"].map((table) => ({
    // Rows a new key may hold from before (a task of that key deleted long ago) give way to the moved ones.
    clear: db.prepare(`DELETE FROM ${table} WHERE plan_id = ? AND task_key = ?`),
    move: db.prepare(`UPDATE ${table} SET task_key = ? WHERE plan_id = ? AND task_key = ?`),
    prune: db.prepare(
      `DELETE FROM ${table} WHERE plan_id = ? AND task_key NOT IN (SELECT value FROM json_each(?))`,
    ),
  }));
  // A task that steers both the renamed task's ref and its new one keeps the renamed task's (refs are unique
  // per task; the other named no task).
  const dropShadowedRefs = db.prepare(
    `DELETE FROM context_overrides WHERE plan_id = ? AND ref = ?
        AND task_key IN (SELECT task_key FROM context_overrides WHERE plan_id = ? AND ref = ?)`,
  );
  const moveRefs = db.prepare("UPDATE context_overrides SET ref = ? WHERE plan_id = ? AND ref = ?");
  const findDraft = db.prepare<[string, string], { id: string }>(
    "SELECT p.id FROM plans p JOIN plan_drafts d ON d.plan_id = p.id WHERE p.slug = ? AND d.into_slug = ?",
  );
  const draftEntries = ["documents", "notes"].map((table) => ({
    dropTaken: db.prepare(
      `DELETE FROM ${table} WHERE plan_id = @draft AND key IN (SELECT key FROM ${table} WHERE plan_id = @plan)`,
    ),
    join: db.prepare(`UPDATE ${table} SET plan_id = @plan WHERE plan_id = @draft`),
  }));
  // Its tasks, links and mark go by the foreign keys' ON DELETE CASCADE.
  const deleteDraft = db.prepare("DELETE FROM plans WHERE id = ?");
  const absorbDraft = (draft: string, plan: string) => {
    for (const table of draftEntries) {
      table.dropTaken.run({ draft, plan });
      table.join.run({ draft, plan });
    }
    deleteDraft.run(draft);
  };

  const importPlan = db.transaction(
    (
      definition: PlanDefinition,
      baseDir: string | null,
      now: number,
      reason: "import" | "edit",
      positions: Record<string, { x: number; y: number }>,
      expectedVersion: number | undefined,
      renamedTasks: Record<string, string>,
      approvingDraft: string | undefined,
    ): ImportPlanResult => {
      const definitionJson = canonicalJson(definition);
      const hash = createHash("sha256")
        .update(definitionJson)
        .update(`\0${baseDir ?? ""}`)
        .digest("hex");
      const existing = findPlan.get(definition.slug);
      const storedVersion = existing?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== storedVersion) {
        throw new StalePlanVersionError(expectedVersion, storedVersion);
      }
      const draft = approvingDraft === undefined ? undefined : findDraft.get(approvingDraft, definition.slug);
      if (approvingDraft !== undefined && (!draft || !existing)) {
        throw new ConflictError(`plan \`${approvingDraft}\` is not a draft into \`${definition.slug}\``);
      }
      if (existing && existing.definition_hash === hash) {
        if (draft) absorbDraft(draft.id, existing.id);
        return { planId: existing.id, slug: definition.slug, version: existing.version, changed: false };
      }
      const planId = existing?.id ?? newId("plan");
      const row = {
        id: planId,
        slug: definition.slug,
        name: definition.name,
        goal: definition.goal,
        index: definition.index,
        params: JSON.stringify(definition.params),
        definition: definitionJson,
        hash,
        baseDir,
        now,
      };
      if (existing) updatePlan.run(row);
      else insertPlan.run(row);

      const keys = JSON.stringify(definition.tasks.map((task) => task.key));
      deleteTasks.run(planId, keys);
      for (const [from, to] of Object.entries(renamedTasks)) {
        for (const table of steering) {
          table.clear.run(planId, to);
          table.move.run(to, planId, from);
        }
        dropShadowedRefs.run(planId, `task:${to}`, planId, `task:${from}`);
        moveRefs.run(`task:${to}`, planId, `task:${from}`);
      }
      for (const table of steering) table.prune.run(planId, keys);
      // A task that already exists keeps its id (the upsert does not touch it).
      const taskId = taskIdsOf(newId);
      upsertTasks.run(definition.tasks, (task, position) => [
        taskId(position),
        planId,
        task.key,
        task.name,
        task.kind,
        position,
        JSON.stringify(task),
        task.priority,
        task.queue,
        JSON.stringify(task.retry),
        task.timeoutMs,
      ]);
      deleteLinks.run(planId);
      // Every kind, `duplicates` and `relates_to` too: the table is the plan's whole link graph.
      insertLinks.run(planLinks(definition.tasks), (link) => [planId, link.from, link.to, link.kind]);
      for (const [key, at] of Object.entries(positions)) place.run(at.x, at.y, planId, key);
      if (draft) absorbDraft(draft.id, planId);
      const version = existing ? existing.version + 1 : 1;
      writeEvent({
        type: reason === "edit" ? "plan.updated" : "plan.imported",
        runId: null,
        data: { slug: definition.slug, version, tasks: definition.tasks.length },
        at: now,
      });
      return { planId, slug: definition.slug, version, changed: true };
    },
  );

  return (definition, opts) =>
    importPlan.immediate(
      definition,
      opts.baseDir,
      opts.now,
      opts.reason ?? "import",
      opts.positions ?? {},
      opts.expectedVersion,
      opts.renamedTasks ?? {},
      opts.approvingDraft,
    );
}
