import { Taskloom } from "@taskloom/api";
import "server-only";
import { webEnv } from "../env.ts";

const holder = globalThis as typeof globalThis & { __taskloomWeb?: Taskloom };

/**
 * The process-wide engine. Kept on `globalThis` because `next dev` re-evaluates modules on every change:
 * a module-level variable would open the database again each time (and leak the old connections).
 */
export function taskloom(): Taskloom {
  if (holder.__taskloomWeb === undefined) {
    const env = webEnv();
    holder.__taskloomWeb = Taskloom.open({ databaseUrl: env.databaseUrl, cwd: env.home });
  }
  return holder.__taskloomWeb;
}
