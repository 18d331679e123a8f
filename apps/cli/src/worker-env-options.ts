import type { RunOptions } from "@taskloom/engine";
import type { CliEnv } from "./env.ts";

/** The worker settings every command that runs a worker (`run`, `worker`, `start`) takes from the environment. */
export function workerOptionsFromEnv(
  env: CliEnv,
): Pick<RunOptions, "leaseMs" | "maxLostLeases" | "workerRetentionMs"> {
  return {
    ...(env.TASKLOOM_LEASE_MS ? { leaseMs: env.TASKLOOM_LEASE_MS } : {}),
    ...(env.TASKLOOM_MAX_LOST_LEASES ? { maxLostLeases: env.TASKLOOM_MAX_LOST_LEASES } : {}),
    ...(env.TASKLOOM_WORKER_RETENTION_MS ? { workerRetentionMs: env.TASKLOOM_WORKER_RETENTION_MS } : {}),
  };
}
