import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteDatabase } from "@taskloom/db";
import { formatNumber, type Row } from "./report.ts";

const REPO = path.resolve(import.meta.dirname, "..");
const BUNDLE = path.join(REPO, "apps/cli/dist/taskloom.js");
const TIME = "/usr/bin/time";

export interface CliProcessResult {
  /** The run's own clock: its first claim (runs.started_at) → the commit that ended it (finished_at). */
  runSeconds: number;
  /** Process start → exit (run) or → the run's end (worker), including start-up, parsing and import. */
  wallSeconds: number;
  /** Peak resident set size of the CLI process, MB. */
  peakRssMb: number;
  /** How the peak was read. */
  rssSource: string;
  /** Lines the process printed on stdout (progress). */
  stdoutLines: number;
}

export interface CliEndToEnd {
  tasks: number;
  concurrency: number;
  run: CliProcessResult;
  worker: CliProcessResult;
  /**
   * Peak RSS of `taskloom run` of a one-task plan, MB: what any process that opens the engine pays before it
   * does work (modules, the database, Prisma), so a regression there shows apart from one in per-task costs.
   */
  oneTaskRunPeakRssMb: number;
}

/** Builds the CLI bundle, as `pnpm install` and `pnpm build` do, so the processes start from it. */
export function buildCli(): void {
  execFileSync(process.execPath, ["--import", "tsx", path.join(REPO, "apps/cli/scripts/build-bundle.ts")], {
    cwd: REPO,
    stdio: "inherit",
  });
}

/** Peak RSS every CLI process must stay under, MB (issue #6; `pnpm bench` and `pnpm bench:cli-memory`). */
export const CLI_PEAK_RSS_TARGET_MB = 256;

function flatPlanYaml(tasks: number): string {
  const lines = ["plan: cli-flat", "tasks:"];
  for (let i = 1; i <= tasks; i++) lines.push(`  t${i}:`, "    kind: noop");
  return `${lines.join("\n")}\n`;
}

/** The CLI as a user starts it (the built bundle), optionally under /usr/bin/time for its peak RSS. */
function startCli(args: string[], cwd: string): { child: ChildProcess; viaTime: boolean } {
  const viaTime = fs.existsSync(TIME);
  const command = [process.execPath, BUNDLE, ...args];
  const child = viaTime
    ? spawn(TIME, ["-f", "taskloom-peak-rss-kb %M", ...command], { cwd, stdio: ["ignore", "pipe", "pipe"] })
    : spawn(command[0] ?? "node", command.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
  return { child, viaTime };
}

/** Reads what the process printed, its peak RSS (from /usr/bin/time, or by polling VmHWM) and its exit. */
function watch(started: { child: ChildProcess; viaTime: boolean }) {
  const { child, viaTime } = started;
  let stdout = "";
  let stderr = "";
  let polledKb = 0;
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // Without /usr/bin/time: VmHWM only grows, so its last reading before exit is the peak (up to 50 ms late).
  const poll = viaTime
    ? null
    : setInterval(() => {
        try {
          const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
          polledKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? polledKb);
        } catch {
          // Exited.
        }
      }, 50);
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    exited,
    output: () => ({ stdout, stderr }),
    peak(): { mb: number; source: string } {
      if (poll) clearInterval(poll);
      if (!viaTime) return { mb: polledKb / 1024, source: "VmHWM polled every 50 ms" };
      const kb = Number(/taskloom-peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
      return { mb: kb / 1024, source: "/usr/bin/time %M" };
    },
  };
}

function runTimes(dbFile: string): { status: string; startedAt: number | null; finishedAt: number | null } {
  const db = openSqliteDatabase(dbFile, { readonly: true });
  try {
    const row = db
      .prepare<[], { status: string; started_at: number | null; finished_at: number | null }>(
        "SELECT status, started_at, finished_at FROM runs ORDER BY created_at DESC LIMIT 1",
      )
      .get();
    return {
      status: row?.status ?? "missing",
      startedAt: row?.started_at ?? null,
      finishedAt: row?.finished_at ?? null,
    };
  } finally {
    db.close();
  }
}

function runSeconds(dbFile: string, label: string): number {
  const times = runTimes(dbFile);
  if (times.status !== "succeeded" || times.startedAt === null || times.finishedAt === null) {
    throw new Error(`${label}: the run ended ${times.status}`);
  }
  return (times.finishedAt - times.startedAt) / 1000;
}

/**
 * The same flat plan of `tasks` noop tasks through the real CLI: `taskloom run -c N plan.yaml` (progress on a
 * pipe, so the non-TTY renderer), and `taskloom worker -c N` executing it after `taskloom run --enqueue`.
 */
export async function measureCliEndToEnd(tasks: number, concurrency: number): Promise<CliEndToEnd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bench-cli-"));
  try {
    const planFile = path.join(dir, "flat.yaml");
    fs.writeFileSync(planFile, flatPlanYaml(tasks));

    const onePlanFile = path.join(dir, "one.yaml");
    fs.writeFileSync(onePlanFile, flatPlanYaml(1));
    const oneTask = watch(startCli(["--db", `file:${path.join(dir, "one.db")}`, "run", onePlanFile], dir));
    const oneTaskCode = await oneTask.exited;
    if (oneTaskCode !== 0)
      throw new Error(`taskloom run (1 task) exited ${oneTaskCode}: ${oneTask.output().stderr}`);
    const oneTaskRunPeakRssMb = oneTask.peak().mb;

    const runDb = path.join(dir, "run.db");
    const runStart = performance.now();
    const running = watch(
      startCli(["--db", `file:${runDb}`, "run", "-c", String(concurrency), planFile], dir),
    );
    const runCode = await running.exited;
    const runWall = (performance.now() - runStart) / 1000;
    if (runCode !== 0) throw new Error(`taskloom run exited ${runCode}: ${running.output().stderr}`);
    const runPeak = running.peak();

    const workerDb = path.join(dir, "worker.db");
    execFileSync(process.execPath, [BUNDLE, "--db", `file:${workerDb}`, "run", "--enqueue", planFile], {
      cwd: dir,
      stdio: "ignore",
    });
    const workerStart = performance.now();
    const started = startCli(["--db", `file:${workerDb}`, "worker", "-c", String(concurrency)], dir);
    const worker = watch(started);
    for (const deadline = Date.now() + 120_000; ; ) {
      const { status } = runTimes(workerDb);
      if (status === "succeeded" || status === "failed" || status === "cancelled") break;
      if (Date.now() > deadline) throw new Error("taskloom worker did not finish the run in 120 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const workerWall = (performance.now() - workerStart) / 1000;
    // Signal the CLI itself, not /usr/bin/time (which does not forward it): its pid is in its worker id.
    const workerPid = Number(/worker \S+:(\d+):\S+ started/.exec(worker.output().stderr)?.[1]);
    if (!Number.isInteger(workerPid)) throw new Error(`no worker pid in: ${worker.output().stderr}`);
    process.kill(workerPid, "SIGTERM");
    await worker.exited;
    const workerPeak = worker.peak();

    const lines = (text: string) => text.split("\n").filter((line) => line !== "").length;
    return {
      tasks,
      concurrency,
      run: {
        runSeconds: runSeconds(runDb, "taskloom run"),
        wallSeconds: runWall,
        peakRssMb: runPeak.mb,
        rssSource: runPeak.source,
        stdoutLines: lines(running.output().stdout),
      },
      worker: {
        runSeconds: runSeconds(workerDb, "taskloom worker"),
        wallSeconds: workerWall,
        peakRssMb: workerPeak.mb,
        rssSource: workerPeak.source,
        stdoutLines: lines(worker.output().stdout),
      },
      oneTaskRunPeakRssMb,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Peak RSS of `taskloom run` and `taskloom worker` against the target. The highest repetition counts: unlike
 * time, a process's peak RSS depends little on what else loads the machine, so the worst repetition is its own.
 * Beside them, for reading only, the one-task run's peak (the fixed cost of a process that opens the engine).
 */
export function cliMemoryRows(clis: CliEndToEnd[]): Row[] {
  const rows: Row[] = [];
  const tasks = clis[0]?.tasks ?? 0;
  for (const mode of ["run", "worker"] as const) {
    const peaks = clis.map((c) => c[mode].peakRssMb);
    const peak = Math.max(...peaks);
    rows.push({
      scenario: "cli",
      metric: `taskloom ${mode}, flat ${formatNumber(tasks)}: peak RSS`,
      value: `${formatNumber(peak)} MB`,
      target: `≤ ${CLI_PEAK_RSS_TARGET_MB} MB`,
      pass: peak <= CLI_PEAK_RSS_TARGET_MB,
      note: `${peaks.map((mb) => formatNumber(mb)).join(", ")} MB (${clis[0]?.[mode].rssSource ?? ""})`,
    });
  }
  const oneTask = clis.map((c) => c.oneTaskRunPeakRssMb);
  rows.push({
    scenario: "cli",
    metric: "taskloom run, 1 task: peak RSS (what opening the engine costs)",
    value: `${formatNumber(Math.max(...oneTask))} MB`,
    note: `${oneTask.map((mb) => formatNumber(mb)).join(", ")} MB`,
  });
  return rows;
}
