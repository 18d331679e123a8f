import { Taskloom } from "@taskloom/engine";
import type { WebEnv } from "./read-env.ts";

const holder = globalThis as typeof globalThis & { __taskloomWeb?: Promise<Taskloom> };

/**
 * The process-wide engine, shared by the app's route handlers (`taskloom-instance.ts`) and the server
 * entry's event stream (`server.ts`), so one process has one database connection and one event follower.
 * Kept on `globalThis`: the entry and Next's bundle each load their own copy of this module, and
 * `next dev` re-evaluates modules on every change (a module-level variable would open the database again
 * each time and leak the old connections). The promise is kept, not the engine, so concurrent first
 * requests share one open; a failed open is forgotten so the next request tries again.
 */
export function processEngine(env: Pick<WebEnv, "databaseUrl" | "home" | "llm">): Promise<Taskloom> {
  if (holder.__taskloomWeb === undefined) {
    // The worker runs in another process: look for its commits every 100 ms so tabs see them at once.
    const opening = Taskloom.open({ databaseUrl: env.databaseUrl, cwd: env.home, pollMs: 100, llm: env.llm });
    holder.__taskloomWeb = opening;
    opening.catch(() => {
      if (holder.__taskloomWeb === opening) holder.__taskloomWeb = undefined;
    });
  }
  return holder.__taskloomWeb;
}
