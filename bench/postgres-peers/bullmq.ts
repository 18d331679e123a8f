import { type FlowJob, FlowProducer, type Processor, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  chainHops,
  deferred,
  epochNow,
  type SystemDriver,
  type Target,
  type Variant,
  WORKLOAD_TIMEOUT_MS,
  withTimeout,
} from "./system.ts";

/**
 * BullMQ on Redis with its defaults except `concurrency`. The DAG workloads are flows (parent/child: a parent
 * runs once all its children completed): the chain is a flow nested `length` deep (the deepest child is step
 * 1), and the fan-out's root, when it runs, adds the flow `sink ← width middles`. A step's "commit" is the
 * worker's `completed` event, emitted once Redis has recorded the completion (which also moved the parent to
 * wait); taking it rather than the handler's return favours BullMQ.
 */
export const bullmqDriver: SystemDriver = {
  async migrate() {},

  async enqueueFlat(target, jobs) {
    const queue = new Queue("flat", { connection: connection(target), prefix: target.name });
    try {
      for (let from = 0; from < jobs; from += 1_000) {
        await queue.addBulk(
          Array.from({ length: Math.min(1_000, jobs - from) }, () => ({ name: "flat", data: {} })),
        );
      }
    } finally {
      await queue.close();
    }
    return "";
  },

  async flatWorker(target, variant, _token, tracker) {
    let worker: Worker | null = null;
    return {
      async go() {
        worker = newWorker(target, variant, "flat", async () => {
          tracker.started();
          tracker.ended();
        });
      },
      async stop() {
        await worker?.close(true);
      },
    };
  },

  async chain(target, variant, length) {
    const starts = new Map<number, number>();
    const commits = new Map<number, number>();
    const done = deferred<void>();
    const worker = newWorker(target, variant, "step", async (job) => {
      const { i } = job.data as { i: number };
      starts.set(i, epochNow());
      if (i === length) done.resolve();
    });
    worker.on("completed", (job) => commits.set((job.data as { i: number }).i, epochNow()));
    const flow = new FlowProducer({ connection: connection(target), prefix: target.name });
    try {
      // Step `length` is the outermost parent; step 1 the deepest child, which runs first.
      let tree: FlowJob = { name: "step", queueName: "step", data: { i: 1 } };
      for (let i = 2; i <= length; i++)
        tree = { name: "step", queueName: "step", data: { i }, children: [tree] };
      await flow.add(tree);
      await withTimeout(done.promise, WORKLOAD_TIMEOUT_MS, "the BullMQ chain");
    } finally {
      await worker.close(true);
      await flow.close();
    }
    return chainHops(starts, commits, length);
  },

  async fanOut(target, variant, width) {
    let rootStart = 0;
    const sinkEnd = deferred<number>();
    const flow = new FlowProducer({ connection: connection(target), prefix: target.name });
    const worker = newWorker(target, variant, "fan", async (job) => {
      if (job.name === "root") {
        rootStart = epochNow();
        await flow.add({
          name: "sink",
          queueName: "fan",
          children: Array.from({ length: width }, () => ({ name: "middle", queueName: "fan" })),
        });
      } else if (job.name === "sink") sinkEnd.resolve(epochNow());
    });
    const queue = new Queue("fan", { connection: connection(target), prefix: target.name });
    try {
      await queue.add("root", {});
      return (await withTimeout(sinkEnd.promise, WORKLOAD_TIMEOUT_MS, "the BullMQ fan-out")) - rootStart;
    } finally {
      await worker.close(true);
      await flow.close();
      await queue.close();
    }
  },

  async cleanup(target) {
    const redis = new Redis(target.url);
    try {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${target.name}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== "0");
    } finally {
      redis.disconnect();
    }
  },
};

function connection(target: Target) {
  const url = new URL(target.url);
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
}

function newWorker(target: Target, variant: Variant, queue: string, processor: Processor): Worker {
  const worker = new Worker(queue, processor, {
    connection: connection(target),
    prefix: target.name,
    concurrency: variant.concurrency,
  });
  worker.on("error", (error) => console.error("BullMQ worker error:", error));
  return worker;
}
