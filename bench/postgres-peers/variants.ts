import { bullmqDriver } from "./bullmq.ts";
import { graphileDriver } from "./graphile-worker.ts";
import { pgBossDriver } from "./pg-boss.ts";
import type { SystemDriver, SystemName, Variant } from "./system.ts";
import { taskloomDriver } from "./taskloom.ts";

export const DRIVERS: Record<SystemName, SystemDriver> = {
  taskloom: taskloomDriver,
  "graphile-worker": graphileDriver,
  "pg-boss": pgBossDriver,
  bullmq: bullmqDriver,
};

/**
 * Every system and setting measured, in the order printed. Concurrency 10 per worker process for the job queues
 * (graphile-worker's own default is 1, which would measure one job at a time rather than the queue).
 */
export const VARIANTS: Variant[] = [
  {
    label: "taskloom -c 10",
    system: "taskloom",
    concurrency: 10,
    prefetch: 10,
    settings: "claims up to its free slots per statement; LISTEN/NOTIFY, 500 ms poll; pool 5",
  },
  {
    label: "taskloom -c 500",
    system: "taskloom",
    concurrency: 500,
    prefetch: 500,
    settings: "as -c 10, 500 slots",
  },
  {
    label: "graphile-worker defaults",
    system: "graphile-worker",
    concurrency: 10,
    prefetch: 1,
    settings: "concurrency 10; no local queue, no batch delays, pollInterval 2 s, LISTEN/NOTIFY",
  },
  {
    label: "graphile-worker local queue 11",
    system: "graphile-worker",
    concurrency: 10,
    prefetch: 11,
    batch: 11,
    settings: "concurrency 10, localQueue.size 11, completeJobBatchDelay 0, failJobBatchDelay 0",
  },
  {
    label: "graphile-worker local queue 500",
    system: "graphile-worker",
    concurrency: 10,
    prefetch: 500,
    batch: 500,
    settings: "concurrency 10, localQueue.size 500, completeJobBatchDelay 0, failJobBatchDelay 0",
  },
  {
    label: "pg-boss batch 500",
    system: "pg-boss",
    concurrency: 1,
    prefetch: 500,
    batch: 500,
    settings:
      "batchSize 500, burstWhenBatchFull, LISTEN/NOTIFY, poll 0.5 s (its minimum), localConcurrency 1",
  },
  {
    label: "BullMQ (flows)",
    system: "bullmq",
    concurrency: 10,
    prefetch: 1,
    settings: "concurrency 10, defaults (the next job comes back with each completion)",
  },
];

export function variantByLabel(label: string): Variant {
  const variant = VARIANTS.find((v) => v.label === label);
  if (!variant) throw new Error(`unknown bench variant ${label}`);
  return variant;
}

/**
 * The Taskloom variant a peer's figure is divided by: the one at the nearest prefetch (so graphile-worker's
 * local queue of 11 is compared with Taskloom at 10 slots, its local queue of 500 with Taskloom at 500).
 */
export function counterpart(peer: Variant): Variant {
  const ours = VARIANTS.filter((v) => v.system === "taskloom");
  const distance = (v: Variant) => Math.abs(Math.log(v.prefetch) - Math.log(peer.prefetch));
  const best = ours.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  return best;
}
