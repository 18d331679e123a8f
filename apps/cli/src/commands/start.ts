import fs from "node:fs";
import path from "node:path";
import { BadInputError } from "@taskloom/core";
import type { Taskloom } from "@taskloom/engine";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { loadHandlers } from "../user-modules.ts";
import { startWebServer, WEB_APP_DIR, waitUntilServing, webBuildExists } from "../web-server.ts";
import { workerOptionsFromEnv } from "../worker-env-options.ts";
import { parsePositiveInt } from "./option-parsers.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
/** The plan a new database starts with, so the dashboard is never empty on first start. */
const EXAMPLES = path.resolve(import.meta.dirname, "../../../../examples");
/** Seeded into a new database: a shell ETL plan, and an LLM plan that runs offline (dry-run provider). */
const DEMO_PLANS = [path.join(EXAMPLES, "etl.yaml"), path.join(EXAMPLES, "research-brief.yaml")];

export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command("start")
    .description(
      "the dashboard and a worker: migrate the database, seed a demo plan if empty, serve the web app",
    )
    .option("--host <host>", "address to bind (default TASKLOOM_HOST or 127.0.0.1)")
    .option("--port <port>", "port (default TASKLOOM_PORT or 3000)", parsePositiveInt)
    .option(
      "-c, --concurrency <n>",
      "worker concurrency (default 4, or TASKLOOM_WORKER_CONCURRENCY)",
      parsePositiveInt,
    )
    .option("--no-worker", "serve the dashboard only (workers run elsewhere)")
    .option(
      "--register <file...>",
      "the worker runs the function task handlers these .ts/.js files export (defineTask); default none",
    )
    .action((flags: StartFlags) => runCommand(context, () => start(context, flags)));
}

interface StartFlags {
  host?: string;
  port?: number;
  concurrency?: number;
  worker: boolean;
  register?: string[];
}

async function start(context: CliContext, flags: StartFlags): Promise<number> {
  if (flags.register && !flags.worker) {
    throw new BadInputError(
      "--register needs the worker: drop --no-worker, or register them in `taskloom worker`",
    );
  }
  // Before anything starts: a tasks file that does not load is bad input.
  const handlers = await loadHandlers(flags.register ?? [], process.cwd());
  const host = flags.host ?? context.env.TASKLOOM_HOST ?? "127.0.0.1";
  const port = flags.port ?? context.env.TASKLOOM_PORT ?? 3000;
  if (!LOOPBACK.has(host) && !context.env.authToken) {
    throw new BadInputError(
      `refusing to listen on ${host} without TASKLOOM_AUTH_TOKEN: anyone who can reach it could run commands on this machine. Set a token, or bind 127.0.0.1.`,
    );
  }
  if (!webBuildExists()) {
    throw new BadInputError(
      `the dashboard is not built (${WEB_APP_DIR}/.next): run \`pnpm start\`, which builds it first`,
    );
  }
  const taskloom = await context.open();
  const location = taskloom.database.location;
  await seedIfEmpty(context, taskloom);
  const worker = flags.worker
    ? taskloom.createWorker({
        concurrency: flags.concurrency ?? context.env.TASKLOOM_WORKER_CONCURRENCY ?? 4,
        // The dashboard runs in another process: poll often so a Run click starts within ~0.1 s.
        pollMs: 100,
        handlers,
        ...workerOptionsFromEnv(context.env),
      })
    : null;
  await worker?.start();
  // The worker process also fires due schedules (`--no-worker`: the workers elsewhere do).
  if (worker) taskloom.startSchedules();

  const tokenFile = handTokenToWebServer(context, location);
  const webEnv: Record<string, string | undefined> = {
    ...context.webEnvironment(),
    // The resolved file for SQLite (the web server runs in another directory); a PostgreSQL URL as given,
    // password included (`location` hides it).
    TASKLOOM_DATABASE_URL:
      taskloom.database.provider === "sqlite"
        ? `file:${location}`
        : (context.globals().db ?? context.env.TASKLOOM_DATABASE_URL),
    TASKLOOM_HOST: host,
    TASKLOOM_PORT: String(port),
  };
  delete webEnv.TASKLOOM_AUTH_TOKEN;
  if (tokenFile) webEnv.TASKLOOM_AUTH_TOKEN_FILE = tokenFile.path;
  const web = startWebServer({ host, port, env: webEnv });
  web.stderr?.on("data", (chunk: Buffer) => context.stderr.write(chunk));
  const url = `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (code: number) => {
      if (stopping) return;
      stopping = true;
      context.stderr.write(
        "stopping: the worker finishes or releases its tasks, then the web server stops\n",
      );
      await worker?.stop();
      web.kill("SIGTERM");
      tokenFile?.remove();
      await taskloom.close();
      resolve(code);
    };
    process.on("SIGINT", () => void stop(0));
    process.on("SIGTERM", () => void stop(0));
    web.on("exit", (code) => {
      if (!stopping) context.stderr.write(`the web server exited (code ${code})\n`);
      void stop(code === 0 ? 0 : 1);
    });
  });
  try {
    await waitUntilServing(`${url}/api/health`, web, 60_000);
  } catch (error) {
    web.kill("SIGTERM");
    tokenFile?.remove();
    await worker?.stop({ graceMs: 0 });
    await taskloom.close();
    throw error;
  }
  context.stdout.write(
    `Taskloom is running at ${url}\n  database  ${location}\n  worker    ${worker ? worker.id : "none (--no-worker)"}\nPress Ctrl-C to stop.\n`,
  );
  return stopped;
}

/**
 * The web server gets the token as a file, never in its environment: task processes can read the
 * environment of the processes around them (`/proc/<pid>/environ`), but not a 0600 file they are not told
 * of. A token that came as a file is passed on as it is; one that came in a variable is written beside the
 * database and removed on stop.
 */
function handTokenToWebServer(
  context: CliContext,
  databaseLocation: string,
): { path: string; remove(): void } | null {
  const { authToken, TASKLOOM_AUTH_TOKEN_FILE: given } = context.env;
  if (given) return { path: path.resolve(given), remove() {} };
  if (!authToken) return null;
  const file = path.join(path.dirname(databaseLocation), "web-auth-token");
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${authToken}\n`, { mode: 0o600 });
  return { path: file, remove: () => fs.rmSync(file, { force: true }) };
}

async function seedIfEmpty(context: CliContext, taskloom: Taskloom): Promise<void> {
  if ((await taskloom.queries.listPlans()).length > 0) return;
  const slugs: string[] = [];
  for (const file of DEMO_PLANS) slugs.push((await taskloom.importPlanFile(file)).slug);
  context.stdout.write(
    `new database: added the demo plans ${slugs.map((slug) => `\`${slug}\``).join(" and ")}\n`,
  );
}
