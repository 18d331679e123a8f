import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Taskloom } from "@taskloom/engine";
import { percentile } from "./report.ts";

/**
 * Many open tabs during a big run, against the real built dashboard: `CLIENTS` SSE subscriptions to one
 * run's events (what a run monitor tab opens) while a worker in another process executes a `TASKS`-task
 * run, and a probe asks `/api/health` every 50 ms. Reports how late each client heard of each commit and
 * how slow the health answers were while the server streamed.
 */

export interface SseFanoutResult {
  clients: number;
  tasks: number;
  /** Events of the run in the database at the end. */
  events: number;
  /** Clients that received every one of them, in order. */
  completeClients: number;
  /** Commit → arrival over every (client, event) pair. */
  delayP50Ms: number;
  delayP95Ms: number;
  delayMaxMs: number;
  healthRequests: number;
  healthP50Ms: number;
  healthP95Ms: number;
  healthMaxMs: number;
}

const CLIENTS = 100;
/** The tabs are spread over this many client processes. */
const TAB_PROCESSES = 4;
const TASKS = 1_000;
const LAYERS = 10;
export const WEB_DIR = path.resolve(import.meta.dirname, "../apps/web");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** The web app's own `start` script, so the bench measures the server people run. */
export function startWebServer(port: number, databaseUrl: string): ChildProcess {
  const pkg = JSON.parse(fs.readFileSync(path.join(WEB_DIR, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  return spawn("sh", ["-c", pkg.scripts.start], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      PATH: `${path.join(WEB_DIR, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
      PORT: String(port),
      TASKLOOM_PORT: String(port),
      TASKLOOM_HOST: "127.0.0.1",
      TASKLOOM_DATABASE_URL: databaseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

/** Stops the server started by `startWebServer` (its whole process group). */
export function stopWebServer(server: ChildProcess): void {
  if (!server.pid) return;
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

/** Waits until the server answers, and loads the routes the bench uses (a first request compiles them). */
export async function waitForServer(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/api/health`)).ok && (await fetch(`${base}/api/trpc/plans.list`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the web server did not answer /api/health within 60 s");
}

export interface ClientLog {
  ids: number[];
  delays: number[];
}

/** Reads one SSE subscription until the run's final event, recording each event's commit → arrival delay. */
export async function follow(url: string, signal: AbortSignal): Promise<ClientLog> {
  const log: ClientLog = { ids: [], delays: [] };
  const response = await fetch(url, { signal, headers: { accept: "text/event-stream" } });
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`no event stream (${response.status})`);
  const decoder = new TextDecoder();
  let buffer = "";
  let done = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return log;
      const arrived = Date.now();
      buffer += decoder.decode(chunk.value, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("data: {")) continue;
        const message = JSON.parse(line.slice(6)) as {
          events?: { id: number; createdAt: number; type: string; toStatus: string | null }[];
        };
        for (const event of message.events ?? []) {
          log.ids.push(event.id);
          log.delays.push(arrived - event.createdAt);
          if (event.type === "run.status" && event.toStatus !== "running") done = true;
        }
        if (done) return log;
      }
    }
  } catch (error) {
    if (signal.aborted) return log;
    throw error;
  }
}

/** Runs `sse-fanout-process.ts` with `args` and parses what it prints. */
function childJson<T>(args: string[]): { child: ChildProcess; result: Promise<T> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "sse-fanout-process.ts"), ...args],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const result = new Promise<T>((resolve, reject) => {
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(output) as T)
        : reject(new Error(`sse-fanout-process ${args[0]} exited ${code}`)),
    );
  });
  return { child, result };
}

export async function measureSseFanout(): Promise<SseFanoutResult> {
  if (!fs.existsSync(path.join(WEB_DIR, ".next", "BUILD_ID"))) {
    throw new Error("the dashboard is not built: run `pnpm build` first");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bench-sse-"));
  const file = path.join(dir, "bench.db");
  const databaseUrl = `file:${file}`;
  const taskloom = await Taskloom.open({ databaseUrl, cwd: dir });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startWebServer(port, databaseUrl);
  try {
    const perLayer = TASKS / LAYERS;
    const tasks = Object.fromEntries(
      Array.from({ length: TASKS }, (_, i) => {
        const layer = Math.floor(i / perLayer);
        const upstream = layer > 0 ? [`t${i - perLayer}`] : [];
        return [`t${i}`, { kind: "noop", ...(upstream.length ? { requires: upstream } : {}) }];
      }),
    );
    await taskloom.importPlanSource({ plan: "fanout", tasks });
    const { runId } = await taskloom.startRun("fanout");
    await waitForServer(base);

    const startId = await taskloom.store.lastEventId();
    // The stream the dashboard's run monitor reads (`useEventStream`).
    const url = `${base}/api/v1/events?${new URLSearchParams({ runId, lastEventId: String(startId) })}`;
    const tabs = Array.from({ length: TAB_PROCESSES }, () =>
      childJson<ClientLog[]>(["tabs", url, String(CLIENTS / TAB_PROCESSES)]),
    );
    const probe = childJson<number[]>(["probe", base]);
    // Every tab has connected (and the probe is running) before the run starts.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const worker = spawn(
      process.execPath,
      ["--import", "tsx", path.join(import.meta.dirname, "event-worker-process.ts"), file, runId],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    const workerDone = new Promise((resolve) => worker.on("close", resolve));
    const logs = (await Promise.all(tabs.map((t) => t.result))).flat();
    probe.child.stdin?.end();
    const health = await probe.result;
    await workerDone;

    const events = await taskloom.store.readEvents({ afterId: startId, runId, limit: 100_000 });
    const expected = events.map((e) => e.id).join(",");
    const delays = logs.flatMap((log) => log.delays);
    return {
      clients: CLIENTS,
      tasks: TASKS,
      events: events.length,
      completeClients: logs.filter((log) => log.ids.join(",") === expected).length,
      delayP50Ms: percentile(delays, 50),
      delayP95Ms: percentile(delays, 95),
      delayMaxMs: delays.reduce((a, b) => Math.max(a, b), 0),
      healthRequests: health.length,
      healthP50Ms: percentile(health, 50),
      healthP95Ms: percentile(health, 95),
      healthMaxMs: health.reduce((a, b) => Math.max(a, b), 0),
    };
  } finally {
    stopWebServer(server);
    await taskloom.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureSseFanout();
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  process.stdout.write(
    `${r.clients} tabs, ${r.tasks}-task run (${r.completeClients}/${r.clients} got all ${r.events} events in order): ` +
      `commit → arrival p50 ${ms(r.delayP50Ms)}, p95 ${ms(r.delayP95Ms)}, max ${ms(r.delayMaxMs)} (target max ≤ 1000 ms); ` +
      `/api/health p50 ${ms(r.healthP50Ms)}, p95 ${ms(r.healthP95Ms)}, max ${ms(r.healthMaxMs)} over ${r.healthRequests} requests ` +
      `(target p95 ≤ 100 ms); load average ${os.loadavg()[0]?.toFixed(1)}\n`,
  );
}
