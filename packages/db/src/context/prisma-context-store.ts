import {
  type ContextApprovalRecord,
  type ContextOverrideRecord,
  type ContextReplayRecord,
  type ContextStore,
  type LlmAttemptRecord,
  type LlmAttemptSnapshot,
  NotFoundError,
  type OutputText,
  type OutputVersion,
  type OverrideAction,
  type PlanContextStamp,
  type PlanDocument,
  type RunWithSnapshot,
  type StoredContextSnapshot,
  type SuccessfulOutput,
} from "@taskloom/core";
import { planIdBySlug } from "../plan-id-by-slug.ts";
import type { TaskloomPrisma } from "../queries/prisma-sqlite.ts";

const OUTPUT_VERSION = { id: true, taskKey: true, finishedAt: true } as const;
/** Ids or hashes per IN list: SQLite caps the bound parameters of a statement. */
const OUTPUT_TEXT_BATCH = 500;

function outputVersion(row: { id: number; taskKey: string; finishedAt: Date | null }): OutputVersion {
  return { taskKey: row.taskKey, taskRunId: row.id, finishedAt: row.finishedAt?.getTime() ?? null };
}

/**
 * `ContextStore` through the Prisma client: nothing here is on the claim/complete hot path, so it stays
 * portable (the same code serves PostgreSQL once its client is wired in).
 */
export class PrismaContextStore implements ContextStore {
  readonly #prisma: () => TaskloomPrisma;

  constructor(prisma: () => TaskloomPrisma) {
    this.#prisma = prisma;
  }

  #planId(planSlug: string): Promise<string> {
    return planIdBySlug(this.#prisma(), planSlug);
  }

  async syncPlanContext(
    planSlug: string,
    input: {
      documents: PlanDocument[];
      notes: Record<string, string>;
      removed?: { documents: string[]; notes: string[] };
    },
    now: number,
  ): Promise<void> {
    const planId = await this.#planId(planSlug);
    const at = new Date(now);
    const prisma = this.#prisma();
    const removed = input.removed ?? { documents: [], notes: [] };
    // Stale keys are found by reading the (few) stored ones: a `NOT IN` over a large plan's whole key list
    // would pass the bound-parameter limits.
    const kept = new Set(input.documents.map((doc) => doc.key));
    const storedDocuments = await prisma.document.findMany({ where: { planId }, select: { key: true } });
    const documents = [
      ...removed.documents,
      ...storedDocuments.map((row) => row.key).filter((k) => !kept.has(k)),
    ];
    await prisma.$transaction([
      prisma.document.deleteMany({ where: { planId, key: { in: documents } } }),
      prisma.note.deleteMany({ where: { planId, key: { in: removed.notes } } }),
      ...input.documents.map((doc) =>
        prisma.document.upsert({
          where: { planId_key: { planId, key: doc.key } },
          create: { planId, key: doc.key, title: doc.title, content: doc.text, updatedAt: at },
          update: { title: doc.title, content: doc.text, updatedAt: at },
        }),
      ),
      ...Object.entries(input.notes).map(([key, value]) =>
        prisma.note.upsert({
          where: { planId_key: { planId, key } },
          create: { planId, key, value, updatedAt: at },
          update: { value, updatedAt: at },
        }),
      ),
    ]);
  }

  async listDocuments(planSlug: string): Promise<PlanDocument[]> {
    const planId = await this.#planId(planSlug);
    const rows = await this.#prisma().document.findMany({ where: { planId }, orderBy: { key: "asc" } });
    return rows.map((row) => ({ key: row.key, title: row.title, text: row.content }));
  }

  async listNotes(planSlug: string): Promise<{ key: string; value: string }[]> {
    const planId = await this.#planId(planSlug);
    const rows = await this.#prisma().note.findMany({ where: { planId }, orderBy: { key: "asc" } });
    return rows.map((row) => ({ key: row.key, value: row.value }));
  }

  async setNote(planSlug: string, key: string, value: string, now: number): Promise<void> {
    const planId = await this.#planId(planSlug);
    const at = new Date(now);
    await this.#prisma().note.upsert({
      where: { planId_key: { planId, key } },
      create: { planId, key, value, updatedAt: at },
      update: { value, updatedAt: at },
    });
  }

  async listOverrides(planSlug: string, taskKey: string): Promise<ContextOverrideRecord[]> {
    const planId = await this.#planId(planSlug);
    const rows = await this.#prisma().contextOverride.findMany({
      where: { planId, taskKey },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    return rows.map((row) => ({
      ref: row.ref,
      action: row.action as OverrideAction,
      createdAt: row.createdAt.getTime(),
    }));
  }

  async setOverride(
    planSlug: string,
    taskKey: string,
    ref: string,
    action: OverrideAction | null,
    now: number,
  ): Promise<void> {
    const planId = await this.#planId(planSlug);
    const where = { planId_taskKey_ref: { planId, taskKey, ref } };
    if (action === null) {
      await this.#prisma().contextOverride.deleteMany({ where: { planId, taskKey, ref } });
      return;
    }
    await this.#prisma().contextOverride.upsert({
      where,
      create: { planId, taskKey, ref, action, createdAt: new Date(now) },
      update: { action },
    });
  }

  async clearTask(planSlug: string, taskKey: string): Promise<void> {
    const planId = await this.#planId(planSlug);
    const prisma = this.#prisma();
    await prisma.$transaction([
      prisma.contextOverride.deleteMany({ where: { planId, taskKey } }),
      prisma.contextApproval.deleteMany({ where: { planId, taskKey } }),
    ]);
  }

  async getApproval(planSlug: string, taskKey: string): Promise<ContextApprovalRecord | null> {
    const planId = await this.#planId(planSlug);
    const row = await this.#prisma().contextApproval.findUnique({
      where: { planId_taskKey: { planId, taskKey } },
    });
    return row ? { snapshotHash: row.snapshotHash, approvedAt: row.approvedAt.getTime() } : null;
  }

  async approve(
    planSlug: string,
    taskKey: string,
    snapshot: StoredContextSnapshot,
    now: number,
  ): Promise<void> {
    const planId = await this.#planId(planSlug);
    await this.saveSnapshot(snapshot);
    const at = new Date(now);
    await this.#prisma().contextApproval.upsert({
      where: { planId_taskKey: { planId, taskKey } },
      create: { planId, taskKey, snapshotHash: snapshot.hash, approvedAt: at },
      update: { snapshotHash: snapshot.hash, approvedAt: at },
    });
  }

  async saveSnapshot(snapshot: StoredContextSnapshot): Promise<void> {
    const { hash, json, budget, usedTokens, createdAt } = snapshot;
    // Same hash, same content: an existing row is already right, so the update is empty.
    await this.#prisma().contextSnapshot.upsert({
      where: { hash },
      create: { hash, json, budget, usedTokens, createdAt: new Date(createdAt) },
      update: {},
    });
  }

  async getSnapshot(hash: string): Promise<StoredContextSnapshot | null> {
    const row = await this.#prisma().contextSnapshot.findUnique({ where: { hash } });
    if (!row) return null;
    return {
      hash: row.hash,
      json: row.json,
      budget: row.budget,
      usedTokens: row.usedTokens,
      createdAt: row.createdAt.getTime(),
    };
  }

  async recordLlmAttempt(record: LlmAttemptRecord): Promise<void> {
    const taskRun = await this.#prisma().taskRun.findUnique({
      where: { runId_taskKey: { runId: record.runId, taskKey: record.taskKey } },
      select: { id: true },
    });
    if (!taskRun) throw new NotFoundError("task run", `${record.runId}/${record.taskKey}`);
    await this.#prisma().taskAttempt.updateMany({
      where: { taskRunId: taskRun.id, attempt: record.attempt },
      data: {
        ...(record.snapshotHash !== undefined ? { snapshotHash: record.snapshotHash } : {}),
        ...(record.model !== undefined ? { model: record.model } : {}),
        ...(record.promptTokens !== undefined ? { promptTokens: record.promptTokens } : {}),
        ...(record.completionTokens !== undefined ? { completionTokens: record.completionTokens } : {}),
        ...(record.approvedSnapshotHash !== undefined
          ? { approvedSnapshotHash: record.approvedSnapshotHash }
          : {}),
      },
    });
  }

  async latestOutputs(planSlug: string): Promise<SuccessfulOutput[]> {
    const planId = await this.#planId(planSlug);
    const rows = await this.#prisma().taskRun.findMany({
      where: { run: { planId }, status: "succeeded" },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      distinct: ["taskKey"],
      select: { taskKey: true, outputText: true },
    });
    return rows.map((row) => ({ taskKey: row.taskKey, outputText: row.outputText }));
  }

  async successfulOutputs(runId: string): Promise<SuccessfulOutput[]> {
    const rows = await this.#prisma().taskRun.findMany({
      where: { runId, status: "succeeded" },
      select: { taskKey: true, outputText: true },
      orderBy: { id: "asc" },
    });
    return rows.map((row) => ({ taskKey: row.taskKey, outputText: row.outputText }));
  }

  async planContextStamp(planSlug: string): Promise<PlanContextStamp> {
    const prisma = this.#prisma();
    const plan = await prisma.plan.findUnique({
      where: { slug: planSlug },
      select: { id: true, version: true },
    });
    if (!plan) throw new NotFoundError("plan", planSlug);
    // Every change of a task run writes an event of its run, so the newest event id of each of the plan's
    // runs (one index seek per run) and the number of runs say whether any output changed. Portable SQL;
    // the numbers come back as bigint on PostgreSQL.
    const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT COUNT(*) AS runs,
             COALESCE(MAX((SELECT MAX(e.id) FROM events e WHERE e.run_id = r.id)), 0) AS last_event
      FROM runs r WHERE r.plan_id = ${plan.id}`;
    const row = rows[0] ?? {};
    const parts = [row.runs, row.last_event].map((value) => String(value ?? 0));
    return { planVersion: plan.version, outputs: parts.join(":") };
  }

  async latestOutputVersions(planSlug: string): Promise<OutputVersion[]> {
    const planId = await this.#planId(planSlug);
    const rows = await this.#prisma().taskRun.findMany({
      where: { run: { planId }, status: "succeeded" },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      distinct: ["taskKey"],
      select: OUTPUT_VERSION,
    });
    return rows.map(outputVersion);
  }

  async successfulOutputVersions(runId: string): Promise<OutputVersion[]> {
    const rows = await this.#prisma().taskRun.findMany({
      where: { runId, status: "succeeded" },
      select: OUTPUT_VERSION,
      orderBy: { id: "asc" },
    });
    return rows.map(outputVersion);
  }

  async outputTexts(taskRunIds: number[]): Promise<OutputText[]> {
    const texts: OutputText[] = [];
    const ids = [...new Set(taskRunIds)].sort((a, b) => a - b);
    for (let start = 0; start < ids.length; start += OUTPUT_TEXT_BATCH) {
      const rows = await this.#prisma().taskRun.findMany({
        where: { id: { in: ids.slice(start, start + OUTPUT_TEXT_BATCH) } },
        select: { id: true, finishedAt: true, outputText: true },
        orderBy: { id: "asc" },
      });
      for (const row of rows) {
        texts.push({
          taskRunId: row.id,
          finishedAt: row.finishedAt?.getTime() ?? null,
          outputText: row.outputText,
        });
      }
    }
    return texts;
  }

  async getEmbeddings(embedder: string, contentHashes: string[]): Promise<Map<string, number[]>> {
    const found = new Map<string, number[]>();
    const hashes = [...new Set(contentHashes)];
    for (let start = 0; start < hashes.length; start += OUTPUT_TEXT_BATCH) {
      const rows = await this.#prisma().embedding.findMany({
        where: { embedder, contentHash: { in: hashes.slice(start, start + OUTPUT_TEXT_BATCH) } },
        select: { contentHash: true, vector: true },
      });
      for (const row of rows) found.set(row.contentHash, JSON.parse(row.vector) as number[]);
    }
    return found;
  }

  async saveEmbeddings(
    embedder: string,
    entries: Array<{ hash: string; vector: number[] }>,
    now: number,
  ): Promise<void> {
    const prisma = this.#prisma();
    const createdAt = new Date(now);
    const held = await this.getEmbeddings(
      embedder,
      entries.map((entry) => entry.hash),
    );
    const fresh = [...new Map(entries.filter((e) => !held.has(e.hash)).map((e) => [e.hash, e])).values()];
    for (let start = 0; start < fresh.length; start += OUTPUT_TEXT_BATCH) {
      const rows = fresh.slice(start, start + OUTPUT_TEXT_BATCH).map(({ hash, vector }) => ({
        embedder,
        contentHash: hash,
        vector: JSON.stringify(vector),
        createdAt,
      }));
      try {
        await prisma.embedding.createMany({ data: rows });
      } catch {
        // Another process stored some of them meanwhile: one by one, keeping what is there.
        for (const row of rows) {
          await prisma.embedding.upsert({
            where: { embedder_contentHash: { embedder, contentHash: row.contentHash } },
            create: row,
            update: {},
          });
        }
      }
    }
  }

  async getCached(key: string): Promise<string | undefined> {
    const row = await this.#prisma().contextCache.findUnique({ where: { key } });
    return row?.value;
  }

  async setCached(key: string, value: string, now: number): Promise<void> {
    // The key is a content hash: a row that exists already holds the same value.
    await this.#prisma().contextCache.upsert({
      where: { key },
      create: { key, value, createdAt: new Date(now) },
      update: {},
    });
  }

  async attemptSnapshots(
    runId: string,
    taskKey: string,
  ): Promise<{ attempt: number; snapshotHash: string }[]> {
    const rows = await this.#prisma().taskAttempt.findMany({
      where: { taskRun: { runId, taskKey }, snapshotHash: { not: null } },
      select: { attempt: true, snapshotHash: true },
      orderBy: { attempt: "asc" },
    });
    return rows.flatMap((row) =>
      row.snapshotHash === null ? [] : [{ attempt: row.attempt, snapshotHash: row.snapshotHash }],
    );
  }

  async llmAttempts(runId: string, taskKey: string): Promise<LlmAttemptSnapshot[]> {
    const rows = await this.#prisma().taskAttempt.findMany({
      where: { taskRun: { runId, taskKey }, snapshotHash: { not: null } },
      select: {
        attempt: true,
        snapshotHash: true,
        model: true,
        promptTokens: true,
        completionTokens: true,
        approvedSnapshotHash: true,
      },
      orderBy: { attempt: "asc" },
    });
    return rows.flatMap(({ snapshotHash, ...row }) =>
      snapshotHash === null ? [] : [{ ...row, snapshotHash }],
    );
  }

  async runsWithSnapshots(planSlug: string, taskKey: string, limit: number): Promise<RunWithSnapshot[]> {
    const planId = await this.#planId(planSlug);
    const rows = await this.#prisma().taskRun.findMany({
      where: { taskKey, run: { planId }, attempts: { some: { snapshotHash: { not: null } } } },
      select: {
        runId: true,
        run: { select: { createdAt: true, status: true } },
        attempts: {
          where: { snapshotHash: { not: null } },
          select: { attempt: true, snapshotHash: true },
          orderBy: { attempt: "desc" },
          take: 1,
        },
      },
      orderBy: [{ run: { createdAt: "desc" } }, { runId: "desc" }],
      take: limit,
    });
    return rows.flatMap((row) => {
      const last = row.attempts[0];
      if (!last || last.snapshotHash === null) return [];
      return [
        {
          runId: row.runId,
          createdAt: row.run.createdAt.getTime(),
          status: row.run.status,
          attempt: last.attempt,
          snapshotHash: last.snapshotHash,
        },
      ];
    });
  }

  async requestReplay(
    input: Omit<ContextReplayRecord, "id" | "runId" | "requestedAt">,
    now: number,
  ): Promise<number> {
    const planId = await this.#planId(input.planSlug);
    const row = await this.#prisma().contextReplay.create({
      data: {
        planId,
        taskKey: input.taskKey,
        snapshotHash: input.snapshotHash,
        sourceRunId: input.sourceRunId,
        sourceAttempt: input.sourceAttempt,
        requestedAt: new Date(now),
      },
      select: { id: true },
    });
    return row.id;
  }

  async bindReplay(id: number, runId: string): Promise<void> {
    await this.#prisma().contextReplay.updateMany({ where: { id, runId: null }, data: { runId } });
  }

  async takeReplay(runId: string, taskKey: string): Promise<ContextReplayRecord | null> {
    const bound = await this.replayOf(runId, taskKey);
    if (bound) return bound;
    const run = await this.#prisma().run.findUnique({
      where: { id: runId },
      select: { planId: true, createdAt: true },
    });
    if (!run) throw new NotFoundError("run", runId);
    const pending = await this.#prisma().contextReplay.findFirst({
      where: { planId: run.planId, taskKey, runId: null, requestedAt: { lte: run.createdAt } },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    if (!pending) return null;
    // Conditional on still being unbound: of two runs racing for one request, exactly one gets it.
    await this.bindReplay(pending.id, runId);
    return this.replayOf(runId, taskKey);
  }

  async replayOf(runId: string, taskKey: string): Promise<ContextReplayRecord | null> {
    const row = await this.#prisma().contextReplay.findUnique({
      where: { runId_taskKey: { runId, taskKey } },
      include: { plan: { select: { slug: true } } },
    });
    if (!row || row.runId === null) return null;
    return {
      id: row.id,
      planSlug: row.plan.slug,
      taskKey: row.taskKey,
      snapshotHash: row.snapshotHash,
      sourceRunId: row.sourceRunId,
      sourceAttempt: row.sourceAttempt,
      runId: row.runId,
      requestedAt: row.requestedAt.getTime(),
    };
  }
}
