import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  assertTaskRunTransition,
  DatabaseUnavailableError,
  type EventRecord,
  seededRandom,
  type TaskRunStatus,
} from "@taskloom/core";
import { openSqliteDatabase, sqlitePathFromUrl } from "@taskloom/db";
import { createTestDatabase, postgresDescribe } from "@taskloom/db/postgres-test-database";
import { Taskloom } from "@taskloom/engine";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox, exited, waitFor } from "./cli-harness.ts";

/**
 * Crash safety with real processes and real `kill -9`: workers die in the middle of their tasks and the
 * run still ends as if nothing had happened. Every attempt of every task logs its start and end (with its
 * process group and a timestamp) to one file, so overlaps and orphans are seen from the processes' side,
 * not only from the database's.
 */

const describePostgres = await postgresDescribe();

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

/** The size of a chaos run: the DAG's shape, how long its tasks sleep, and how long the chaos lasts. */
interface ChaosShape {
  layers: number;
  width: number;
  /** Each task sleeps between these many seconds. */
  sleep: [number, number];
  /** Slots per worker process (`taskloom worker -c`). */
  concurrency: number;
  /** Workers are killed for at most this long; then the survivors finish what is left. */
  chaosMs: number;
  /** How long the survivors get to finish. */
  drainMs: number;
}

/** 160 tasks of 50–300 ms: the SQLite chaos test. */
const SMALL: ChaosShape = {
  layers: 8,
  width: 20,
  sleep: [0.05, 0.3],
  concurrency: 4,
  chaosMs: 30_000,
  drainMs: 15_000,
};

/** A layered DAG: each task requires one to three tasks of the layer above; one in ten requires nothing. */
function chaosPlan(
  logFile: string,
  random: () => number,
  shape: ChaosShape,
): { yaml: string; requires: Map<string, string[]> } {
  const requires = new Map<string, string[]>();
  const lines = ["plan: chaos", "tasks:"];
  const [minSleep, maxSleep] = shape.sleep;
  for (let layer = 0; layer < shape.layers; layer++) {
    for (let i = 0; i < shape.width; i++) {
      const key = `l${layer}t${i}`;
      const ups = new Set<string>();
      if (layer > 0 && random() > 0.1) {
        const count = 1 + Math.floor(random() * 3);
        for (let n = 0; n < count; n++) ups.add(`l${layer - 1}t${Math.floor(random() * shape.width)}`);
      }
      requires.set(key, [...ups]);
      const seconds = (minSleep + random() * (maxSleep - minSleep)).toFixed(2);
      // `$$` is the attempt's supervisor: its pid is the process group of everything the attempt runs.
      const log = (what: string) =>
        `echo "${what} $TASKLOOM_TASK_KEY $TASKLOOM_ATTEMPT $$ $(date +%s%N)" >> ${logFile}`;
      lines.push(`  ${key}:`);
      lines.push(`    run: '${log("start")}; sleep ${seconds}; ${log("end")}'`);
      if (ups.size > 0) lines.push(`    requires: [${[...ups].join(", ")}]`);
    }
  }
  return { yaml: `${lines.join("\n")}\n`, requires };
}

interface LogLine {
  what: "start" | "end";
  key: string;
  attempt: number;
  pgid: number;
  atNs: bigint;
}

function readLog(file: string): LogLine[] {
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [what, key, attempt, pgid, at] = line.split(" ");
      return {
        what: what as "start" | "end",
        key: key ?? "",
        attempt: Number(attempt),
        pgid: Number(pgid),
        atNs: BigInt(at ?? "0"),
      };
    });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // A group whose members are all zombies runs nothing; /proc tells them apart.
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[2] === String(pgid) && fields[0] !== "Z") return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/**
 * Process groups of the attempts a worker is running, found by their supervisors' tag (its subshells
 * carry the same command line; only the group leader counts).
 */
function attemptGroupsOf(workerId: string): number[] {
  const groups: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv[3] !== `taskloom-attempt:${workerId}`) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "latin1");
      if (stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2] === entry) groups.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return groups;
}

interface RunningWorker {
  child: ChildProcess & { output: { stderr: string } };
  id: string | null;
  startedAt: number | null;
}

/** Task runs of `runId` that still hold a lease, read straight from the database's rows. */
async function leasesLeft(databaseUrl: string, cwd: string, runId: string): Promise<number> {
  const sql = "SELECT count(*) AS n FROM task_runs WHERE run_id = $1 AND lease_owner IS NOT NULL";
  if (databaseUrl.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(sql, [runId])).rows[0]?.n);
    } finally {
      await client.end();
    }
  }
  const db = openSqliteDatabase(sqlitePathFromUrl(databaseUrl, cwd));
  try {
    return Number(db.prepare<[string], { n: number }>(sql.replace("$1", "?")).get(runId)?.n);
  } finally {
    db.close();
  }
}

/** Every task run's status events chain (each starts where the last ended) and are legal moves. */
function illegalHistories(taskEvents: EventRecord[]): string[] {
  const last = new Map<number, TaskRunStatus>();
  const wrong: string[] = [];
  for (const event of taskEvents) {
    const id = event.taskRunId ?? -1;
    const from = event.fromStatus as TaskRunStatus;
    const to = event.toStatus as TaskRunStatus;
    const previous = last.get(id);
    if (previous !== undefined && previous !== from)
      wrong.push(`${event.taskKey}: ${previous}, then ${from} -> ${to}`);
    try {
      assertTaskRunTransition(from, to);
    } catch {
      wrong.push(`${event.taskKey}: illegal ${from} -> ${to}`);
    }
    last.set(id, to);
  }
  return wrong;
}

/**
 * The chaos scenario on `sandbox`'s database. `loseConnections`, when given, is called once mid-run to cut
 * every connection the workers have to the database (PostgreSQL): they must carry on through it.
 */
async function chaos(
  sandbox: CliSandbox,
  shape: ChaosShape,
  loseConnections?: () => Promise<void>,
): Promise<void> {
  const random = seededRandom(6);
  const logFile = path.join(sandbox.dir, "attempts.log");
  fs.writeFileSync(logFile, "");
  const { yaml, requires } = chaosPlan(logFile, random, shape);
  const planFile = sandbox.write("chaos.yaml", yaml);
  // A task may lose its worker several times in a row here by bad luck; the cap is for tasks that kill them.
  const env = { TASKLOOM_MAX_LOST_LEASES: "50" };

  const workers: RunningWorker[] = [];
  const startWorker = () => {
    const child = sandbox.spawn(["worker", "-c", String(shape.concurrency)], env);
    const worker: RunningWorker = { child, id: null, startedAt: null };
    child.stderr?.on("data", () => {
      const match = /worker (\S+) started/.exec(child.output.stderr);
      if (match && worker.id === null) {
        worker.id = match[1] ?? null;
        worker.startedAt = Date.now();
      }
    });
    workers.push(worker);
    return worker;
  };
  for (let i = 0; i < 3; i++) startWorker();

  const enqueued = await sandbox.run(["run", planFile, "--enqueue"], env);
  expect(enqueued.code).toBe(0);
  const runId = enqueued.stdout.trim();
  const taskloom = await Taskloom.open({ databaseUrl: sandbox.db, cwd: sandbox.dir });
  // The test's own connections are cut with the workers' ones: like a worker, it waits for the database to return.
  const runStatus = async () => {
    for (;;) {
      try {
        return await taskloom.store.getRunStatus(runId);
      } catch (error) {
        if (!(error instanceof DatabaseUnavailableError)) throw error;
        await sleep(200);
      }
    }
  };
  const startedAt = Date.now();
  let kills = 0;
  /** Per kill: the attempt groups the worker had, when the kill was sent and when the worker was gone. */
  const killed: { groups: number[]; atNs: bigint; diedAtNs: bigint }[] = [];
  const orphans: number[] = [];
  try {
    while (Date.now() - startedAt < shape.chaosMs) {
      const status = await runStatus();
      if (status !== "running" && status !== "queued") break;
      await sleep(300 + Math.floor(random() * 300));
      const busy = workers.filter(
        (w) => w.child.exitCode === null && w.id !== null && attemptGroupsOf(w.id).length > 0,
      );
      const victim = busy[Math.floor(random() * busy.length)];
      if (!victim?.id) continue;
      const before = attemptGroupsOf(victim.id);
      const killAtNs = BigInt(Date.now()) * 1_000_000n;
      victim.child.kill("SIGKILL");
      // An attempt may have started between the scan and the kill: its supervisor is still findable.
      const groups = [...new Set([...before, ...attemptGroupsOf(victim.id)])];
      await exited(victim.child);
      kills++;
      killed.push({ groups, atNs: killAtNs, diedAtNs: BigInt(Date.now()) * 1_000_000n });
      workers.splice(workers.indexOf(victim), 1);
      startWorker();
      if (kills === 3 && loseConnections) await loseConnections();
      // Its attempts die with it, before anyone could have taken their leases (~1 s pid check).
      const deadline = Date.now() + 1_000;
      while (groups.some(groupAlive) && Date.now() < deadline) await sleep(10);
      orphans.push(...groups.filter(groupAlive));
    }
    const deadline = Date.now() + shape.drainMs;
    let status = await runStatus();
    while ((status === "running" || status === "queued") && Date.now() < deadline) {
      await sleep(100);
      status = await runStatus();
    }
    const seconds = (Date.now() - startedAt) / 1000;
    const events: EventRecord[] = await taskloom.store.readEvents({ afterId: 0, runId, limit: 100_000 });
    const taskEvents = events.filter((e) => e.type === "task_run.status");
    const lost = taskEvents.filter((e) => e.data?.reason === "lost" && e.toStatus === "ready");
    process.stderr.write(
      `chaos: ${requires.size} tasks, ${kills} kills, ${killed.flatMap((k) => k.groups).length} attempts killed with their worker, ` +
        `${lost.length} re-runs after lost leases, ${seconds.toFixed(1)} s\n`,
    );

    expect(status).toBe("succeeded");
    // No worker ended by itself (a lost connection must not end one).
    expect(workers.filter((w) => w.child.exitCode !== null).map((w) => w.child.output.stderr)).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(lost.length).toBeGreaterThan(0);
    expect(taskEvents.filter((e) => e.toStatus === "failed")).toEqual([]);
    expect(orphans).toEqual([]);
    // Every task succeeded exactly once in the recorded results, through legal moves only, and no lease is left.
    const succeeded = taskEvents.filter((e) => e.toStatus === "succeeded").map((e) => e.taskKey);
    expect(succeeded.length).toBe(requires.size);
    expect(new Set(succeeded).size).toBe(requires.size);
    expect(illegalHistories(taskEvents)).toEqual([]);
    expect(await leasesLeft(sandbox.db, sandbox.dir, runId)).toBe(0);

    // Dependency order, from the engine's side: every task ran after its upstreams succeeded.
    const firstAt = (key: string, to: string) =>
      taskEvents.find((e) => e.taskKey === key && e.toStatus === to)?.id ?? Number.NaN;
    for (const [key, ups] of requires) {
      for (const up of ups) expect(firstAt(up, "succeeded")).toBeLessThan(firstAt(key, "running"));
    }

    // From the processes' side: no two copies of a task overlapped, and nothing ran before its upstreams.
    const lines = readLog(logFile);
    const byKey = new Map<string, LogLine[]>();
    for (const line of lines) byKey.set(line.key, [...(byKey.get(line.key) ?? []), line]);
    for (const [key, ups] of requires) {
      const own = byKey.get(key) ?? [];
      let open: LogLine | null = null;
      for (const line of own) {
        // Lines are in the order they were written. An attempt killed with its worker never writes its
        // end; one that survived its worker would write it after its re-run's start: an overlap.
        if (line.what === "start") open = line;
        else {
          expect([open?.pgid, open?.attempt]).toEqual([line.pgid, line.attempt]);
          open = null;
        }
      }
      expect(own.some((line) => line.what === "end")).toBe(true);
      const firstStart = own.find((line) => line.what === "start")?.atNs ?? 0n;
      for (const up of ups) {
        const upEnd =
          (byKey.get(up) ?? []).find((line) => line.what === "end")?.atNs ?? Number.POSITIVE_INFINITY;
        expect(Number(firstStart - BigInt(upEnd))).toBeGreaterThan(0);
      }
    }
    for (const pgid of new Set(lines.map((line) => line.pgid))) expect(groupAlive(pgid)).toBe(false);

    // No attempt outlived its worker: none that started before its worker was killed wrote its end more
    // than a scheduling hiccup (100 ms) after the worker was gone. (Pids get reused, so attempts are
    // matched by key, attempt and group, and only those that had started before the kill count.)
    const outlived: string[] = [];
    for (const { groups, atNs, diedAtNs } of killed) {
      for (const start of lines) {
        if (start.what !== "start" || start.atNs >= atNs || !groups.includes(start.pgid)) continue;
        const end = lines.find(
          (l) =>
            l.what === "end" && l.key === start.key && l.attempt === start.attempt && l.pgid === start.pgid,
        );
        if (end && end.atNs > diedAtNs + 100_000_000n) {
          outlived.push(
            `${start.key}#${start.attempt} ended ${(end.atNs - diedAtNs) / 1_000_000n} ms after its worker`,
          );
        }
      }
    }
    expect(outlived).toEqual([]);
  } finally {
    for (const worker of workers) worker.child.kill("SIGTERM");
    await Promise.all(workers.map((worker) => exited(worker.child)));
    await taskloom.close();
  }
}

describe("crash safety", () => {
  it(
    "finishes a 160-task DAG while workers are kill -9ed every few hundred ms: no failure, no overlap, no orphan",
    () => chaos(sandbox, SMALL),
    60_000,
  );

  it("run --resume after kill -9 of `taskloom run` finishes a run whose interrupted task had no retries", async () => {
    const pidFile = path.join(sandbox.dir, "slow.pid");
    // No retries anywhere: the interrupted attempt lost its worker, it did not fail.
    const planFile = sandbox.write(
      "resume.yaml",
      `plan: resume
tasks:
  first: { run: echo one }
  slow: { run: 'echo $$ >> ${pidFile}; sleep 1', requires: [first] }
  last: { run: echo done, requires: [slow] }
`,
    );
    const runner = sandbox.spawn(["run", planFile]);
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim() !== "");
    const runId = /started run (\S+)/.exec(runner.output.stdout + runner.output.stderr)?.[1] ?? "";
    expect(runId).toMatch(/^run_/);
    const interrupted = Number(fs.readFileSync(pidFile, "utf8").trim());
    runner.kill("SIGKILL");
    await exited(runner);
    await waitFor(() => !groupAlive(interrupted), 2_000);

    const resumed = await sandbox.run(["run", "--resume", runId, "--json"]);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as {
      run: { status: string };
      tasks: { key: string; attempts: number }[];
    };
    expect(summary.run.status).toBe("succeeded");
    expect(summary.tasks.map((t) => [t.key, t.attempts])).toEqual([
      ["first", 1],
      ["slow", 2],
      ["last", 1],
    ]);
  }, 60_000);
});

/**
 * 2,000 tasks of 10–60 ms on 3 × 8 slots: the PostgreSQL chaos test. The drain is generous: every kill costs a
 * replacement worker's start-up and the killed attempts' lease recovery, which a loaded machine stretches.
 */
const LARGE: ChaosShape = {
  layers: 20,
  width: 100,
  sleep: [0.01, 0.06],
  concurrency: 8,
  chaosMs: 45_000,
  drainMs: 90_000,
};

describePostgres("crash safety on PostgreSQL", () => {
  it("finishes a 2,000-task DAG under kill -9, and through the loss of every database connection", async () => {
    const testDb = await createTestDatabase();
    const onPostgres = new CliSandbox(testDb.url);
    let terminated = 0;
    try {
      await chaos(onPostgres, LARGE, async () => {
        terminated = await testDb.terminateConnections();
      });
      // At least one live backend was cut (how many depends on which workers had just been replaced and how
      // many pool connections they had opened yet); the run above still succeeded through it.
      expect(terminated).toBeGreaterThanOrEqual(1);
    } finally {
      onPostgres.cleanup();
      await testDb.drop();
    }
  }, 200_000);
});
