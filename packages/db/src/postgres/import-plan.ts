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
import { writeEvents } from "./event-writer.ts";
import { at, type Queryable } from "./transaction.ts";

/**
 * Import: upserts a plan, its tasks and links by slug and key (the PostgreSQL twin of sqlite/import-plan.ts).
 * The version bumps only when the canonical definition (or its base directory) changed, so re-importing the
 * same file is a no-op. Editor positions of tasks that still exist are kept. Context steering (overrides,
 * approvals) follows renamed tasks and is deleted with the tasks the plan no longer has; an approved draft
 * (`approvingDraft`) joins the plan and is deleted.
 *
 * Two processes importing the same slug at once take turns on a transaction-level advisory lock keyed by the
 * slug (a plan that does not exist yet has no row to lock): the second one sees the first one's plan.
 */
export async function importPlan(
  client: Queryable,
  newId: NewId,
  definition: PlanDefinition,
  opts: ImportPlanOptions,
): Promise<ImportPlanResult> {
  const baseDir = opts.baseDir;
  const now = at(opts.now);
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended('taskloom.plan:' || $1, 0))", [
    definition.slug,
  ]);
  const definitionJson = canonicalJson(definition);
  const hash = createHash("sha256")
    .update(definitionJson)
    .update(`\0${baseDir ?? ""}`)
    .digest("hex");
  const { rows } = await client.query<{ id: string; version: number; definition_hash: string }>(
    "SELECT id, version, definition_hash FROM plans WHERE slug = $1",
    [definition.slug],
  );
  const existing = rows[0];
  // Under the slug lock, so no other import can move the version between this check and the write.
  const storedVersion = existing?.version ?? 0;
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== storedVersion) {
    throw new StalePlanVersionError(opts.expectedVersion, storedVersion);
  }
  const draftId =
    opts.approvingDraft === undefined
      ? undefined
      : await findDraft(client, opts.approvingDraft, definition.slug);
  if (opts.approvingDraft !== undefined && (draftId === undefined || !existing)) {
    throw new ConflictError(`plan \`${opts.approvingDraft}\` is not a draft into \`${definition.slug}\``);
  }
  if (existing && existing.definition_hash === hash) {
    if (draftId !== undefined) await absorbDraft(client, draftId, existing.id);
    return { planId: existing.id, slug: definition.slug, version: existing.version, changed: false };
  }
  const planId = existing?.id ?? newId("plan");
  const fields = [
    definition.name,
    definition.goal,
    definition.index,
    JSON.stringify(definition.params),
    definitionJson,
    hash,
    baseDir,
    now,
  ];
  if (existing) {
    await client.query(
      `UPDATE plans SET name = $2, goal = $3, index_doc = $4, params_json = $5, definition_json = $6,
              definition_hash = $7, base_dir = $8, version = version + 1, updated_at = $9
        WHERE id = $1`,
      [planId, ...fields],
    );
  } else {
    await client.query(
      `INSERT INTO plans (id, slug, name, goal, index_doc, params_json, definition_json, definition_hash, base_dir,
                          version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
      [planId, definition.slug, ...fields],
    );
  }

  const tasks = definition.tasks;
  // A task that already exists keeps its id (the upsert does not touch it).
  const taskId = taskIdsOf(newId);
  const keys = tasks.map((task) => task.key);
  await client.query("DELETE FROM tasks WHERE plan_id = $1 AND key <> ALL($2::text[])", [planId, keys]);
  await moveSteering(client, planId, keys, opts.renamedTasks ?? {});
  await client.query(
    `INSERT INTO tasks (id, plan_id, key, name, kind, position, spec_json, priority, queue, retry_json, timeout_ms)
     SELECT t.id, $1, t.key, t.name, t.kind, t.position, t.spec, t.priority, t.queue, t.retry, t.timeout_ms
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[],
                   $10::text[], $11::int[])
            AS t(id, key, name, kind, position, spec, priority, queue, retry, timeout_ms)
     ON CONFLICT (plan_id, key) DO UPDATE SET name = excluded.name, kind = excluded.kind,
        position = excluded.position, spec_json = excluded.spec_json, priority = excluded.priority,
        queue = excluded.queue, retry_json = excluded.retry_json, timeout_ms = excluded.timeout_ms`,
    [
      planId,
      tasks.map((_, position) => taskId(position)),
      tasks.map((task) => task.key),
      tasks.map((task) => task.name),
      tasks.map((task) => task.kind),
      tasks.map((_, position) => position),
      tasks.map((task) => JSON.stringify(task)),
      tasks.map((task) => task.priority),
      tasks.map((task) => task.queue),
      tasks.map((task) => JSON.stringify(task.retry)),
      tasks.map((task) => task.timeoutMs),
    ],
  );

  await client.query("DELETE FROM task_links WHERE plan_id = $1", [planId]);
  // Every kind, `duplicates` and `relates_to` too: the table is the plan's whole link graph.
  const links = planLinks(tasks);
  if (links.length > 0) {
    await client.query(
      `INSERT INTO task_links (plan_id, from_key, to_key, kind)
       SELECT $1, l.from_key, l.to_key, l.kind
         FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS l(from_key, to_key, kind, ord)
        ORDER BY l.ord`,
      [planId, links.map((link) => link.from), links.map((link) => link.to), links.map((link) => link.kind)],
    );
  }
  await placeTasks(
    client,
    planId,
    Object.entries(opts.positions ?? {}).map(([key, p]) => ({ key, ...p })),
  );
  if (draftId !== undefined) await absorbDraft(client, draftId, planId);
  const version = existing ? existing.version + 1 : 1;
  await writeEvents(client, [
    {
      type: opts.reason === "edit" ? "plan.updated" : "plan.imported",
      runId: null,
      data: { slug: definition.slug, version, tasks: tasks.length },
      at: opts.now,
    },
  ]);
  return { planId, slug: definition.slug, version, changed: true };
}

/** The id of the draft plan `draftSlug` when it is a draft into `into`; the row is locked until the commit. */
async function findDraft(client: Queryable, draftSlug: string, into: string): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT p.id FROM plans p JOIN plan_drafts d ON d.plan_id = p.id
      WHERE p.slug = $1 AND d.into_slug = $2 FOR UPDATE OF p`,
    [draftSlug, into],
  );
  return rows[0]?.id;
}

/**
 * An approved draft's documents and notes join the plan (those of a key the plan has are dropped: the merge
 * refused any that differ), then the draft goes, its tasks, links and mark by ON DELETE CASCADE.
 */
async function absorbDraft(client: Queryable, draftId: string, planId: string): Promise<void> {
  for (const table of ["documents", "notes"]) {
    await client.query(
      `DELETE FROM ${table} WHERE plan_id = $1 AND key IN (SELECT key FROM ${table} WHERE plan_id = $2)`,
      [draftId, planId],
    );
    await client.query(`UPDATE ${table} SET plan_id = $2 WHERE plan_id = $1`, [draftId, planId]);
  }
  await client.query("DELETE FROM plans WHERE id = $1", [draftId]);
}

/**
 * Context overrides and approvals of renamed tasks move to the new key (rows a new key may hold from before,
 * a task of that key deleted long ago, give way), other tasks' refs to a renamed task follow it, and the
 * steering of tasks the plan no longer has is deleted.
 */
async function moveSteering(
  client: Queryable,
  planId: string,
  keys: string[],
  renamedTasks: Record<string, string>,
): Promise<void> {
  const tables = ["context_overrides", "context_approvals"];
  for (const [from, to] of Object.entries(renamedTasks)) {
    for (const table of tables) {
      await client.query(`DELETE FROM ${table} WHERE plan_id = $1 AND task_key = $2`, [planId, to]);
      await client.query(`UPDATE ${table} SET task_key = $3 WHERE plan_id = $1 AND task_key = $2`, [
        planId,
        from,
        to,
      ]);
    }
    // A task that steers both the renamed task's ref and its new one keeps the renamed task's (refs are
    // unique per task; the other named no task).
    await client.query(
      `DELETE FROM context_overrides WHERE plan_id = $1 AND ref = $2
          AND task_key IN (SELECT task_key FROM context_overrides WHERE plan_id = $1 AND ref = $3)`,
      [planId, `task:${to}`, `task:${from}`],
    );
    await client.query("UPDATE context_overrides SET ref = $3 WHERE plan_id = $1 AND ref = $2", [
      planId,
      `task:${from}`,
      `task:${to}`,
    ]);
  }
  for (const table of tables) {
    await client.query(`DELETE FROM ${table} WHERE plan_id = $1 AND task_key <> ALL($2::text[])`, [
      planId,
      keys,
    ]);
  }
}

/** Stores editor positions of a plan's tasks (unknown keys are ignored; the last position of a key wins). */
export async function placeTasks(
  client: Queryable,
  planId: string,
  positions: { key: string; x: number; y: number }[],
): Promise<void> {
  if (positions.length === 0) return;
  const last = new Map(positions.map((p) => [p.key, p]));
  const unique = [...last.values()];
  await client.query(
    `UPDATE tasks t SET position_x = p.x, position_y = p.y
       FROM unnest($2::text[], $3::float8[], $4::float8[]) AS p(key, x, y)
      WHERE t.plan_id = $1 AND t.key = p.key`,
    [planId, unique.map((p) => p.key), unique.map((p) => p.x), unique.map((p) => p.y)],
  );
}
