import type { Taskloom } from "@taskloom/engine";
import "server-only";
import { webEnv } from "../env.ts";
import { processEngine } from "./process-engine.ts";

/** The process-wide engine (see process-engine.ts), opened with the app's environment. */
export function taskloom(): Promise<Taskloom> {
  return processEngine(webEnv());
}
