import { JobTracker, type Target } from "./system.ts";
import { DRIVERS, variantByLabel } from "./variants.ts";

/**
 * One worker process of the flat workload (two run side by side). Usage, from `postgres-peers.ts` only:
 * `node --import tsx bench/postgres-peers/flat-worker-process.ts '<variant label>' '<target JSON>' '<token>'`.
 * It opens its connections, says `ready`, starts on `go`, reports its count every 20 ms and stops on `stop`.
 */
const [label, targetJson, token] = process.argv.slice(2);
if (!label || !targetJson || token === undefined || !process.send) {
  throw new Error("flat-worker-process.ts is started by bench/postgres-peers.ts over IPC");
}
const send = (message: object) => process.send?.(message);
const variant = variantByLabel(label);
const target = JSON.parse(targetJson) as Target;
const tracker = new JobTracker();
const worker = await DRIVERS[variant.system].flatWorker(target, variant, token, tracker);
const report = () =>
  send({ type: "progress", count: tracker.count, firstStart: tracker.firstStart, lastEnd: tracker.lastEnd });
let timer: NodeJS.Timeout | undefined;
process.on("message", (message: { type: string }) => {
  if (message.type === "go") {
    timer = setInterval(report, 20);
    void worker.go();
  } else if (message.type === "stop") {
    clearInterval(timer);
    void worker.stop().then(() => {
      report();
      process.disconnect();
      process.exit(0);
    });
  }
});
send({ type: "ready" });
