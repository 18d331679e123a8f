import { createHash } from "node:crypto";
import {
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
 * tasks that still exist are kept.
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

  const importPlan = db.transaction(
    (
      definition: PlanDefinition,
      baseDir: string | null,
      now: number,
      reason: "import" | "edit",
      positions: Record<string, { x: number; y: number }>,
      expectedVersion: number | undefined,
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
      if (existing && existing.definition_hash === hash) {
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

      deleteTasks.run(planId, JSON.stringify(definition.tasks.map((task) => task.key)));
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
    );
}
