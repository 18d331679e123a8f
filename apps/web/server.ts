import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import next from "next";
import { bindProblem } from "./src/server/exposure.ts";
import { createGate } from "./src/server/gate.ts";
import { readWebEnv } from "./src/server/read-env.ts";

/**
 * The one way the dashboard is served (`pnpm --filter @taskloom/web start|dev`, and `taskloom start`): Next
 * behind a gate that judges every peer by its socket address. Without a token it binds and answers loopback
 * only; a non-loopback bind without a token is refused before anything listens.
 *
 *   node --import tsx server.ts [--dev]
 */
const dev = process.argv.includes("--dev");

function fail(message: string): never {
  process.stderr.write(`taskloom web: ${message}\n`);
  process.exit(2);
}

let env: ReturnType<typeof readWebEnv>;
try {
  env = readWebEnv(process.env, process.cwd());
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const problem = bindProblem(env.host, env.authToken);
if (problem !== undefined) fail(problem);

// The app reads it back (env.ts) to know that requests come through this gate: without it, it refuses them.
const entrySecret = randomBytes(24).toString("base64url");
process.env.TASKLOOM_ENTRY_SECRET = entrySecret;

const app = next({ dev, dir: import.meta.dirname, hostname: env.host, port: env.port });
await app.prepare();
const gate = createGate({
  authToken: env.authToken,
  entrySecret,
  handle: app.getRequestHandler(),
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
