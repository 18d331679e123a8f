import { follow } from "./sse-fanout.ts";

/**
 * The client side of the SSE fan-out bench, in processes of its own so that parsing 100 streams does not
 * delay the readings it takes (a busy client would see its own event-loop lag as server latency).
 *
 *   node --import tsx bench/sse-fanout-process.ts tabs URL N     # N subscriptions; prints {ids, delays}[] as JSON
 *   node --import tsx bench/sse-fanout-process.ts probe BASE     # GET BASE/api/health every 50 ms until stdin closes; prints ms[]
 */
const [role, url, count] = process.argv.slice(2);
if (!url || (role !== "tabs" && role !== "probe")) {
  throw new Error("usage: sse-fanout-process.ts tabs URL N | probe BASE");
}

if (role === "tabs") {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), 120_000);
  const logs = await Promise.all(
    Array.from({ length: Number(count ?? 1) }, () => follow(url, controller.signal)),
  );
  clearTimeout(timeout);
  // The streams stay open after the run's last event: close them, or they keep this process alive.
  controller.abort();
  process.stdout.write(JSON.stringify(logs), () => process.exit(0));
} else {
  const latencies: number[] = [];
  let probing = true;
  process.stdin.on("end", () => {
    probing = false;
  });
  process.stdin.resume();
  while (probing) {
    const started = performance.now();
    await fetch(`${url}/api/health`).then((response) => response.arrayBuffer());
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write(JSON.stringify(latencies));
}
