import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  BENCH_REDIS_URL,
  databaseUrl,
  dropDatabases,
  freshDatabase,
  serverVersion,
} from "./postgres-peers/databases.ts";
import { type Target, type Variant, waitUntil } from "./postgres-peers/system.ts";
import { counterpart, DRIVERS, VARIANTS } from "./postgres-peers/variants.ts";
import { formatNumber, formatTable, percentile, type Row } from "./report.ts";

/**
 * The PostgreSQL section of `pnpm bench` (runnable alone: `node --import tsx bench/postgres-peers.ts`): Taskloom
 * and the job queues people use, side by side in one run on the same PostgreSQL server (BullMQ on the local
 * Redis), each measurement on a fresh database copied from a migrated template. Figures are the best of the
 * repetitions (the chain's hops pooled), and each peer's is divided into Taskloom's at the same prefetch.
 */

const FLAT_JOBS = 10_000;
const FLAT_PROCESSES = 2;
const FLAT_REPEATS = 2;
const CHAIN_LENGTH = 40;
const CHAIN_REPEATS = 3;
const FAN_WIDTH = 10_000;
const FAN_REPEATS = 2;

/** The targets of issue #8, as ratios ours/peer in the same run. */
const TARGETS = {
  /** Flat throughput ≥ 1.0× graphile-worker at equal prefetch. */
  flatVsGraphile: 1.0,
  /** Chain hop p50 ≤ graphile-worker's. */
  hopVsGraphile: 1.0,
  /** Fan-out makespan ≤ 1.0× BullMQ flows. */
  fanVsBullmq: 1.0,
};

const DATABASE_OF: Record<Variant["system"], string | null> = {
  taskloom: "bench_taskloom",
  "graphile-worker": "bench_graphile",
  "pg-boss": "bench_pgboss",
  bullmq: null,
};

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (message: string) => process.stderr.write(`${message}\n`);

export interface VariantResult {
  variant: Variant;
  /** Jobs/s of each flat repetition. */
  flat: number[];
  /** Every hop of every chain repetition, ms. */
  hops: number[];
  /** Per-repetition p50, ms. */
  hopP50s: number[];
  /** Makespan of each fan-out repetition, ms. */
  fans: number[];
}

let measurement = 0;

/** A fresh place for one measurement: a copy of the system's template database, or a new BullMQ key prefix. */
async function freshTarget(variant: Variant): Promise<Target> {
  const database = DATABASE_OF[variant.system];
  if (database === null)
    return { url: BENCH_REDIS_URL, name: `taskloom-bench-${process.pid}-${++measurement}` };
  return { url: await freshDatabase(database, `${database}_template`), name: database };
}

async function withTarget<T>(variant: Variant, body: (target: Target) => Promise<T>): Promise<T> {
  const target = await freshTarget(variant);
  try {
    return await body(target);
  } finally {
    await DRIVERS[variant.system].cleanup?.(target);
  }
}

async function migrateTemplates(variants: Variant[]): Promise<void> {
  for (const system of new Set(variants.map((v) => v.system))) {
    const database = DATABASE_OF[system];
    if (database === null) continue;
    const template = `${database}_template`;
    await freshDatabase(template);
    await DRIVERS[system].migrate({ url: databaseUrl(template), name: template });
  }
}

interface Progress {
  count: number;
  firstStart: number;
  lastEnd: number;
}

/** Flat: jobs enqueued first, then two worker processes started together; first job start → last job end. */
async function measureFlat(variant: Variant): Promise<number> {
  return withTarget(variant, async (target) => {
    const token = await DRIVERS[variant.system].enqueueFlat(target, FLAT_JOBS);
    const progress = new Map<ChildProcess, Progress>();
    const children = Array.from({ length: FLAT_PROCESSES }, () =>
      fork(
        path.join(here, "postgres-peers", "flat-worker-process.ts"),
        [variant.label, JSON.stringify(target), token],
        {
          execArgv: ["--import", "tsx"],
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        },
      ),
    );
    const exited = children.map((child) => new Promise<void>((resolve) => child.on("exit", () => resolve())));
    try {
      let ready = 0;
      for (const child of children) {
        child.on("message", (message: { type: string } & Progress) => {
          if (message.type === "ready") ready++;
          else if (message.type === "progress") progress.set(child, message);
        });
      }
      const alive = () => children.every((child) => child.exitCode === null);
      await waitUntil(() => ready === children.length || !alive(), "the flat worker processes to start");
      if (!alive()) throw new Error(`a ${variant.label} worker process exited before starting`);
      for (const child of children) child.send({ type: "go" });
      const total = () => [...progress.values()].reduce((sum, p) => sum + p.count, 0);
      await waitUntil(() => total() >= FLAT_JOBS || !alive(), `${FLAT_JOBS} ${variant.label} jobs`, {
        timeoutMs: 300_000,
      });
      if (!alive()) throw new Error(`a ${variant.label} worker process died`);
      for (const child of children) child.send({ type: "stop" });
      await Promise.all(exited);
      const all = [...progress.values()];
      if (total() !== FLAT_JOBS) throw new Error(`${variant.label} ran ${total()} of ${FLAT_JOBS} flat jobs`);
      const seconds =
        (Math.max(...all.map((p) => p.lastEnd)) - Math.min(...all.map((p) => p.firstStart))) / 1000;
      return FLAT_JOBS / seconds;
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
}

/**
 * Measures `variants` (default all; `--only taskloom,graphile-worker` on the command line picks systems, for
 * profiling a change against one peer).
 */
export async function measurePeers(
  variants = VARIANTS,
  maxRepeats = Number.POSITIVE_INFINITY,
): Promise<VariantResult[]> {
  const flatRepeats = Math.min(FLAT_REPEATS, maxRepeats);
  const chainRepeats = Math.min(CHAIN_REPEATS, maxRepeats);
  const fanRepeats = Math.min(FAN_REPEATS, maxRepeats);
  log("postgres peers: migrating a template database per system…");
  await migrateTemplates(variants);
  const results: VariantResult[] = variants.map((variant) => ({
    variant,
    flat: [],
    hops: [],
    hopP50s: [],
    fans: [],
  }));
  // Repetitions interleave the systems, so that a burst of load from elsewhere does not fall on one system only.
  for (let repeat = 1; repeat <= Math.max(flatRepeats, chainRepeats, fanRepeats); repeat++) {
    for (const result of results) {
      const { variant } = result;
      const driver = DRIVERS[variant.system];
      if (repeat <= flatRepeats) {
        log(
          `postgres peers: ${variant.label}: flat ${formatNumber(FLAT_JOBS)} × ${FLAT_PROCESSES} processes (${repeat})…`,
        );
        result.flat.push(await measureFlat(variant));
        log(`  → ${formatNumber(result.flat.at(-1) ?? 0)} jobs/s`);
      }
      if (repeat <= chainRepeats) {
        log(`postgres peers: ${variant.label}: chain of ${CHAIN_LENGTH} (${repeat})…`);
        const hops = await withTarget(variant, (target) => driver.chain(target, variant, CHAIN_LENGTH));
        result.hops.push(...hops);
        result.hopP50s.push(percentile(hops, 50));
        log(`  → hop p50 ${formatNumber(percentile(hops, 50), 2)} ms`);
      }
      if (repeat <= fanRepeats) {
        log(`postgres peers: ${variant.label}: fan-out 1 → ${formatNumber(FAN_WIDTH)} → 1 (${repeat})…`);
        result.fans.push(await withTarget(variant, (target) => driver.fanOut(target, variant, FAN_WIDTH)));
        log(`  → makespan ${formatNumber(result.fans.at(-1) ?? 0)} ms`);
      }
    }
  }
  await dropDatabases(
    [...new Set(variants.map((v) => DATABASE_OF[v.system]))]
      .filter((name): name is string => name !== null)
      .flatMap((name) => [name, `${name}_template`]),
  );
  return results;
}

const best = {
  flat: (r: VariantResult) => Math.max(...r.flat),
  hop: (r: VariantResult) => percentile(r.hops, 50),
  fan: (r: VariantResult) => Math.min(...r.fans),
};

const ratio = (x: number) => `${formatNumber(x, 2)}×`;

/** How one workload's figure is printed and compared. */
interface Workload {
  scenario: string;
  metric(variant: Variant): string;
  figure(result: VariantResult): number;
  value(figure: number, result: VariantResult): string;
  /** Throughput: ours / peer should be at least the target; times: at most. */
  higherIsBetter: boolean;
  /** The ratio ours / peer the issue asks for against this peer, or null when the row only informs. */
  target(peer: Variant): number | null;
  note(result: VariantResult): string;
}

/** The table: one row per system and workload, each peer with the ratio ours/peer and the target if it has one. */
export function peerRows(results: VariantResult[]): Row[] {
  const ours = (variant: Variant) => {
    const found = results.find((r) => r.variant === counterpart(variant));
    if (!found) throw new Error(`no Taskloom result for ${variant.label}`);
    return found;
  };
  const workloads: Workload[] = [
    {
      scenario: "pg flat",
      metric: (v) => `${v.label}: jobs/s, ${FLAT_PROCESSES} processes, prefetch ${v.prefetch}`,
      figure: best.flat,
      value: (x) => formatNumber(x),
      higherIsBetter: true,
      target: (v) =>
        v.system === "graphile-worker" && v.batch !== undefined && v.batch <= 11
          ? TARGETS.flatVsGraphile
          : null,
      note: (r) => `${r.flat.map((x) => formatNumber(x)).join(", ")}; ${r.variant.settings}`,
    },
    {
      scenario: "pg chain",
      metric: (v) => `${v.label}: hop p50 (p99), upstream commit → dependent start`,
      figure: best.hop,
      value: (x, r) => `${formatNumber(x, 2)} (${formatNumber(percentile(r.hops, 99), 2)}) ms`,
      higherIsBetter: false,
      target: (v) => (v.system === "graphile-worker" ? TARGETS.hopVsGraphile : null),
      note: (r) =>
        `${r.hops.length} hops; p50 per run ${r.hopP50s.map((x) => formatNumber(x, 2)).join(", ")} ms`,
    },
    {
      scenario: "pg fan-out",
      metric: (v) => `${v.label}: makespan 1 → ${formatNumber(FAN_WIDTH)} → 1, one process`,
      figure: best.fan,
      value: (x) => `${formatNumber(x)} ms`,
      higherIsBetter: false,
      target: (v) => (v.system === "bullmq" ? TARGETS.fanVsBullmq : null),
      note: (r) => `${r.fans.map((x) => formatNumber(x)).join(", ")} ms`,
    },
  ];
  const rows: Row[] = [];
  for (const workload of workloads) {
    for (const r of results) {
      const row: Row = {
        scenario: workload.scenario,
        metric: workload.metric(r.variant),
        value: workload.value(workload.figure(r), r),
        note: workload.note(r),
      };
      if (r.variant.system !== "taskloom") {
        const mine = ours(r.variant);
        const x = workload.figure(mine) / workload.figure(r);
        const target = workload.target(r.variant);
        const bound = workload.higherIsBetter ? "≥" : "≤";
        row.target = `ours (${mine.variant.label}) / peer ${ratio(x)}${target === null ? "" : ` ${bound} ${ratio(target)}`}`;
        if (target !== null) row.pass = workload.higherIsBetter ? x >= target : x <= target;
      }
      rows.push(row);
    }
  }
  const lq500 = results.find((r) => r.variant.system === "graphile-worker" && r.variant.batch === 500);
  const ten = results.find((r) => r.variant.system === "taskloom" && r.variant.prefetch === 10);
  if (lq500 && ten) {
    rows.push({
      scenario: "pg flat",
      metric: `taskloom -c 10 / graphile-worker local queue 500 (its best)`,
      value: ratio(best.flat(ten) / best.flat(lq500)),
      note: "how far Taskloom at prefetch 10 is from graphile-worker at 50× the prefetch",
    });
  }
  return rows;
}

export async function measurePostgresPeers(variants = VARIANTS, maxRepeats?: number): Promise<Row[]> {
  return peerRows(await measurePeers(variants, maxRepeats));
}

/** `--repeats N` caps every workload's repetitions (a quicker, noisier run). */
function repeatsFromArgs(args: string[]): number | undefined {
  const at = args.indexOf("--repeats");
  if (at < 0) return undefined;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error("--repeats takes a positive integer");
  return n;
}

function variantsFromArgs(args: string[]): Variant[] {
  const at = args.indexOf("--only");
  if (at < 0) return VARIANTS;
  const systems = (args[at + 1] ?? "").split(",");
  const chosen = VARIANTS.filter((v) => systems.includes(v.system));
  const unknown = systems.filter((name) => !VARIANTS.some((v) => v.system === name));
  if (unknown.length > 0 || !systems.includes("taskloom")) {
    throw new Error(
      `--only takes systems among ${[...new Set(VARIANTS.map((v) => v.system))].join(", ")}, taskloom included`,
    );
  }
  return chosen;
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  log(
    `postgres peers — node ${process.version}, PostgreSQL ${await serverVersion()}, ${os.cpus().length} CPUs`,
  );
  const args = process.argv.slice(2);
  const rows = await measurePostgresPeers(variantsFromArgs(args), repeatsFromArgs(args));
  const loadAfter = os.loadavg()[0] ?? 0;
  console.log(`\n${formatTable(rows)}\n`);
  console.log(
    `load average ${formatNumber(loadBefore, 2)} → ${formatNumber(loadAfter, 2)} on ${os.cpus().length} CPUs` +
      (Math.max(loadBefore, loadAfter) > os.cpus().length
        ? " — the machine was busy: every figure is inflated"
        : ""),
  );
  const failed = rows.filter((row) => row.pass === false).length;
  console.log(
    `\n${failed === 0 ? "all targets met" : `${failed} target(s) missed`} — took ${formatNumber((performance.now() - started) / 1000, 1)} s`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
