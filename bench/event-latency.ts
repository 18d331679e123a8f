import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { appRouter, createTRPCContext } from "@taskloom/api";
import { Taskloom } from "@taskloom/engine";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

export interface EventLatencyResult {
  events: number;
  /** ms from the commit (the event's `createdAt`, written by the worker process) to its arrival in the stream. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const TASKS = 60;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * How late the dashboard hears of a transition made by a worker in ANOTHER process: a child process executes a
 * run (a chain of short shell steps, so transitions trickle in as they do in real use) while this process
 * reads the dashboard's own SSE endpoint (`events.subscribe` through the tRPC fetch adapter, as the web app
 * mounts it). Arrival time minus the event's commit time, same machine clock.
 */
export async function measureEventLatency(): Promise<EventLatencyResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-bench-events-"));
  const file = path.join(dir, "bench.db");
  const taskloom = await Taskloom.open({ databaseUrl: `file:${file}`, cwd: dir });
  try {
    const tasks = Object.fromEntries(
      Array.from({ length: TASKS }, (_, i) => [
        `t${i}`,
        { run: "sleep 0.02", ...(i > 0 ? { requires: [`t${i - 1}`] } : {}) },
      ]),
    );
    await taskloom.importPlanSource({ plan: "trickle", tasks });
    const { runId } = await taskloom.startRun("trickle");
    const controller = new AbortController();
    const input = encodeURIComponent(
      JSON.stringify({ runId, lastEventId: String(await taskloom.store.lastEventId()) }),
    );
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`http://127.0.0.1/api/trpc/events.subscribe?input=${input}`, {
        signal: controller.signal,
      }),
      router: appRouter,
      createContext: () => createTRPCContext({ taskloom, authorized: true }),
    });
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no event stream");

    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(import.meta.dirname, "event-worker-process.ts"), file, runId],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const childClosed = new Promise((resolve) => child.on("close", resolve));
    const latencies: number[] = [];
    const decoder = new TextDecoder();
    let buffer = "";
    let finished = false;
    while (!finished) {
      const chunk = await reader.read();
      if (chunk.done) break;
      const arrived = Date.now();
      buffer += decoder.decode(chunk.value, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("data: ")) continue;
        const payload = JSON.parse(line.slice(6)) as {
          events?: { createdAt: number; type: string; toStatus: string | null }[];
        };
        for (const event of payload.events ?? []) {
          latencies.push(arrived - event.createdAt);
          if (event.type === "run.status" && event.toStatus === "succeeded") finished = true;
        }
      }
    }
    controller.abort();
    await childClosed;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      events: sorted.length,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      maxMs: sorted.at(-1) ?? 0,
    };
  } finally {
    await taskloom.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
