import "server-only";
import { readWebEnv, type WebEnv } from "./server/read-env.ts";

export type { WebEnv } from "./server/read-env.ts";

let cached: WebEnv | undefined;

/**
 * The web app's one validated view of the environment; nothing else reads `process.env`. Read lazily, on
 * the first request, so that `next build` does not need the runtime configuration.
 */
export function webEnv(): WebEnv {
  cached ??= readWebEnv(process.env, process.cwd());
  return cached;
}
