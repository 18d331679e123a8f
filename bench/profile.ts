import { type SqliteDatabase, SqliteStore } from "@taskloom/db";
import { formatNumber, percentile } from "./report.ts";
import { runChain, runFanOut, runFlat } from "./scenarios.ts";
import type { TimedStore } from "./timed-store.ts";

/**
 * `node --import tsx bench/profile.ts [flat|chain|fanout] [concurrency] [--plain] [--no-autocheckpoint]`:
 * one scenario with every prepared statement of the store timed, to say which SQL dominates when a target of
 * `pnpm bench` is missed. Statement timing adds overhead per call, so use `pnpm bench` for the figures and
 * this for the breakdown. `--plain` skips statement timing (for `node --cpu-prof`); `--no-autocheckpoint`
 * turns off the WAL auto-checkpoint to show what it costs.
 */

interface StatementStats {
  calls: number;
  ms: number;
  maxMs: number;
  rows: number;
}

const statements = new Map<string, StatementStats>();
/** Import and createRun run statements too; only those of the execution phase are reported. */
const resetStatements = () => {
  for (const stats of statements.values()) {
    stats.calls = 0;
    stats.ms = 0;
    stats.maxMs = 0;
    stats.rows = 0;
  }
};

function statsFor(sql: string): StatementStats {
  let entry = statements.get(sql);
  if (!entry) {
    entry = { calls: 0, ms: 0, maxMs: 0, rows: 0 };
    statements.set(sql, entry);
  }
  return entry;
}

function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  if (result && typeof result === "object" && "changes" in result && typeof result.changes === "number") {
    return result.changes;
  }
  return result === undefined ? 0 : 1;
}

/** Wraps run/get/all of every statement prepared from now on; the store never sees the difference. */
function instrument(db: SqliteDatabase): void {
  const prepare = db.prepare.bind(db);
  const timed = (source: string) => {
    const statement = prepare(source);
    const sql = source.replace(/\s+/g, " ").trim();
    const stats = statsFor(sql);
    return new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (property !== "run" && property !== "get" && property !== "all") return value.bind(target);
        return (...args: unknown[]) => {
          const start = performance.now();
          const result: unknown = value.apply(target, args);
          const ms = performance.now() - start;
          stats.ms += ms;
          stats.maxMs = Math.max(stats.maxMs, ms);
          stats.calls++;
          stats.rows += rowCount(result);
          return result;
        };
      },
    });
  };
  db.prepare = timed as typeof db.prepare;
}

function openStore(db: SqliteDatabase): SqliteStore {
  instrument(db);
  return new SqliteStore(db);
}

function printStatements(storeMs: number): void {
  const entries = [...statements.entries()].filter(([, s]) => s.calls > 0).sort((a, b) => b[1].ms - a[1].ms);
  const statementMs = entries.reduce((sum, [, s]) => sum + s.ms, 0);
  console.log(
    `store self time ${formatNumber(storeMs)} ms; in statements ${formatNumber(statementMs)} ms; ` +
      `rest (BEGIN/COMMIT incl. WAL writes and checkpoints, JSON, JS) ${formatNumber(storeMs - statementMs)} ms`,
  );
  console.log("      ms    calls    µs/call   max µs     rows  statement");
  for (const [sql, s] of entries.slice(0, 16)) {
    console.log(
      `${formatNumber(s.ms).padStart(8)} ${formatNumber(s.calls).padStart(8)} ${formatNumber((1000 * s.ms) / s.calls, 1).padStart(10)} ${formatNumber(1000 * s.maxMs).padStart(8)} ${formatNumber(s.rows).padStart(8)}  ${sql.slice(0, 150)}`,
    );
  }
}

function storeSelfMs(store: TimedStore): number {
  let sum = 0;
  for (const s of store.stats.values()) sum += s.selfMs;
  return sum;
}

/** For the slowest hops: how much of the hop went to store calls made during it, and to what. */
function explainHops(
  store: TimedStore,
  timings: Map<string, { start: number; end: number }>,
  length: number,
) {
  const trace = store.trace ?? [];
  const hops: { key: string; ms: number; storeMs: number; calls: string }[] = [];
  for (let i = 1; i < length; i++) {
    const up = timings.get(`t${i}`);
    const down = timings.get(`t${i + 1}`);
    if (!up || !down) continue;
    const inside = trace.filter((call) => call.start >= up.end && call.start < down.start);
    hops.push({
      key: `t${i}→t${i + 1}`,
      ms: down.start - up.end,
      storeMs: inside.reduce((sum, call) => sum + call.selfMs, 0),
      calls: inside.map((call) => `${call.name} ${formatNumber(call.selfMs, 2)}`).join(", "),
    });
  }
  const storeShares = hops.map((hop) => hop.storeMs);
  console.log(
    `store time inside a hop: p50 ${formatNumber(percentile(storeShares, 50), 3)} ms, p99 ${formatNumber(percentile(storeShares, 99), 3)} ms`,
  );
  console.log("slowest hops (hop ms = store ms + event loop/GC/other):");
  for (const hop of [...hops].sort((a, b) => b.ms - a.ms).slice(0, 8)) {
    console.log(
      `  ${hop.key}: ${formatNumber(hop.ms, 3)} ms, store ${formatNumber(hop.storeMs, 3)} ms [${hop.calls}]`,
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((arg) => arg.startsWith("--")));
  const [scenario = "flat", concurrencyArg = "128"] = args.filter((arg) => !arg.startsWith("--"));
  const concurrency = Number(concurrencyArg);
  const plain = flags.has("--plain");
  const noAutoCheckpoint = flags.has("--no-autocheckpoint");
  const options = {
    openStore: (db: SqliteDatabase) => {
      // Shows what the WAL auto-checkpoint (run inside whichever COMMIT crosses 1000 pages) costs a hop.
      if (noAutoCheckpoint) db.pragma("wal_autocheckpoint = 0");
      return plain ? new SqliteStore(db) : openStore(db);
    },
    beforeExecute: resetStatements,
    trace: scenario === "chain",
  };
  const note = `${plain ? "" : " (statements timed)"}${noAutoCheckpoint ? " (no auto-checkpoint)" : ""}`;
  let store: TimedStore;
  if (scenario === "flat") {
    const result = await runFlat(20_000, concurrency, options);
    console.log(`flat 20,000 @${concurrency}: ${formatNumber(result.tasksPerSecond)} tasks/s${note}`);
    store = result.outcome.store;
  } else if (scenario === "chain") {
    const result = await runChain(200, 4, options);
    console.log(
      `chain 200: hop p50 ${formatNumber(percentile(result.hopsMs, 50), 3)} ms, p99 ${formatNumber(percentile(result.hopsMs, 99), 3)} ms${note}`,
    );
    explainHops(result.outcome.store, result.outcome.timings, 200);
    store = result.outcome.store;
  } else if (scenario === "fanout") {
    const result = await runFanOut(10_000, concurrency, options);
    console.log(
      `fan-out 10,000 @${concurrency}: makespan ${formatNumber(result.makespanMs)} ms, release ${formatNumber(result.releaseMs, 1)} ms, join ${formatNumber(result.joinMs, 1)} ms${note}`,
    );
    store = result.outcome.store;
  } else {
    throw new Error(`unknown scenario ${scenario}: flat, chain or fanout`);
  }
  if (!plain) printStatements(storeSelfMs(store));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
