import { Taskloom } from "@taskloom/engine";
import "server-only";
import { webEnv } from "../env.ts";

const holder = globalThis as typeof globalThis & { __taskloomWeb?: Promise<Taskloom> };

/**
 * The process-wide engine. Kept on `globalThis` because `next dev` re-evaluates modules on every change:
 * a module-level variable would open the database again each time (and leak the old connections). The
 * promise is kept, not the engine, so concurrent first requests share one open; a failed open is forgotten
 * so the next request tries again.
 */
export function taskloom(): Promise<Taskloom> {
  if (holder.__taskloomWeb === undefined) {
    const env = webEnv();
    // The worker runs in another process: look for its commits every 100 ms so tabs see them at once.
    const opening = Taskloom.open({
      databaseUrl: env.databaseUrl,
      cwd: env.home,
      pollMs: 100,
      llm: env.llm,
    });
    holder.__taskloomWeb = opening;
    opening.catch(() => {
      if (holder.__taskloomWeb === opening) holder.__taskloomWeb = undefined;
    });
  }
  return holder.__taskloomWeb;
}
