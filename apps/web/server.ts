import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import next from "next";
import { EventFanout } from "./src/server/event-fanout.ts";
import { EVENT_STREAM_PATH, handleEventStream } from "./src/server/event-stream-route.ts";
import { bindProblem } from "./src/server/exposure.ts";
import { createGate } from "./src/server/gate.ts";
import { processEngine } from "./src/server/process-engine.ts";
import { readWebEnv } from "./src/server/read-env.ts";

/**
 * The one way the dashboard is served (`pnpm --filter @taskloom/web start|dev`, and `taskloom start`): Next
 * behind a gate that judges every peer by its socket address. Without a token it binds and answers loopback
 * only; a non-loopback bind without a token is refused before anything listens.
 *
 *   node bin/taskloom-web.js [--dev] [--hostname HOST] [--port PORT]
 *
 * `--hostname` and `--port` override TASKLOOM_HOST and TASKLOOM_PORT (the flags `next start` takes).
 */
const { values: flags } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    hostname: { type: "string" },
    port: { type: "string" },
  },
});
const dev = flags.dev === true;

function fail(message: string): never {
  process.stderr.write(`taskloom web: ${message}\n`);
  process.exit(2);
}

let env: ReturnType<typeof readWebEnv>;
try {
  env = readWebEnv(
    {
      ...process.env,
      ...(flags.hostname !== undefined ? { TASKLOOM_HOST: flags.hostname } : {}),
      ...(flags.port !== undefined ? { TASKLOOM_PORT: flags.port } : {}),
    },
    process.cwd(),
  );
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const problem = bindProblem(env.host, env.authToken);
if (problem !== undefined) fail(problem);

// The app reads it back (env.ts) to know that requests come through this gate: without it, it refuses them.
const entrySecret = randomBytes(24).toString("base64url");
process.env.TASKLOOM_ENTRY_SECRET = entrySecret;
// The app reads host and port from the environment too (the Host check): the flags must win there as well.
process.env.TASKLOOM_HOST = env.host;
process.env.TASKLOOM_PORT = String(env.port);

const app = next({ dev, dir: import.meta.dirname, hostname: env.host, port: env.port });
await app.prepare();
const nextHandler = app.getRequestHandler();

// The event stream is answered here, not by Next: one encoded frame per batch for every tab (see
// src/server/event-fanout.ts). The engine is the one the app's routes use (process-engine.ts).
let fanout: Promise<EventFanout> | undefined;
const streamOptions = {
  authToken: env.authToken,
  host: env.host,
  fanout: () => {
    if (fanout === undefined) {
      const opening = processEngine(env).then(
        (engine) => new EventFanout({ feed: (listener, filter) => engine.subscribe(listener, filter) }),
      );
      fanout = opening;
      // A failed open is tried again by the next request.
      opening.catch(() => {
        if (fanout === opening) fanout = undefined;
      });
    }
    return fanout;
  },
};

const gate = createGate({
  authToken: env.authToken,
  entrySecret,
  trustProxy: env.trustProxy,
  handle: (req, res) =>
    req.url?.split("?", 1)[0] === EVENT_STREAM_PATH
      ? handleEventStream(req, res, streamOptions)
      : nextHandler(req, res),
  upgrade: app.getUpgradeHandler(),
});
const server = createServer(gate.request);
server.on("upgrade", gate.upgrade);
server.on("error", (error) => fail(error.message));
server.listen(env.port, env.host, () => {
  const shown = env.host.includes(":") ? `[${env.host}]` : env.host;
  process.stdout.write(`taskloom web: ready on http://${shown}:${env.port}${dev ? " (dev)" : ""}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
