import type { LayoutInput, LayoutPositions, LayoutResponse } from "./layout.ts";

interface Pending {
  resolve: (positions: LayoutPositions) => void;
  reject: (error: Error) => void;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function layoutWorker(): Worker {
  if (worker !== null) return worker;
  // Turbopack bundles the worker entry from this `new Worker(new URL(...))` pattern.
  const created = new Worker(new URL("./layout.worker.ts", import.meta.url), {
    type: "module",
    name: "taskloom-layout",
  });
  created.onmessage = (event: MessageEvent<LayoutResponse>) => {
    const response = event.data;
    const request = pending.get(response.id);
    if (request === undefined) return;
    pending.delete(response.id);
    if ("error" in response) request.reject(new Error(`auto-layout failed: ${response.error}`));
    else request.resolve(response.positions);
  };
  created.onerror = (event) => {
    // A worker that failed to load fails every waiting request; the next request starts a fresh one.
    const error = new Error(`auto-layout worker failed: ${event.message || "could not start"}`);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    created.terminate();
    worker = null;
  };
  worker = created;
  return created;
}

/** Lays out a plan graph with ELK in a Web Worker, off the main thread: a big plan never freezes the page. */
export function layoutInWorker(input: LayoutInput): Promise<LayoutPositions> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    layoutWorker().postMessage({ id, input });
  });
}
