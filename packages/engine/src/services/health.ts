import { type ReadModel, type WorkerView, workerState } from "@taskloom/core";

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; location: string; error?: string };
  workers: (WorkerView & { alive: boolean })[];
}

/**
 * What a load balancer or `curl` needs to know: can the database be read, and which workers are alive
 * (a heartbeat within `staleAfterMs`). `ok` means the database answers; no live worker is reported, not failed,
 * because a web node without workers is a valid deployment.
 */
export async function checkHealth(input: {
  queries: Pick<ReadModel, "listWorkers">;
  location: string;
  now: number;
  staleAfterMs: number;
}): Promise<HealthReport> {
  try {
    const workers = await input.queries.listWorkers();
    return {
      ok: true,
      database: { ok: true, location: input.location },
      workers: workers.map((w) => ({
        ...w,
        alive: workerState(w, input.now, input.staleAfterMs) === "alive",
      })),
    };
  } catch (error) {
    return {
      ok: false,
      database: {
        ok: false,
        location: input.location,
        error: error instanceof Error ? error.message : String(error),
      },
      workers: [],
    };
  }
}
