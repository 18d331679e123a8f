import v8 from "node:v8";
import { formatPlanIssue, llmOptionsOf, PlanValidationError, TaskloomError } from "@taskloom/core";
import type { Taskloom } from "@taskloom/engine";
import { type CliEnv, taskEnvironment, webEnvironment } from "./env.ts";

export interface GlobalOptions {
  db?: string;
  verbose?: boolean;
}

/** What every command gets: the environment, the streams and a way to open the engine. */
export interface CliContext {
  env: CliEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  globals(): GlobalOptions;
  /** Loads the engine on first use, so commands that need no database (validate, --help) start faster. */
  open(): Promise<Taskloom>;
  /** The environment a child web server starts with. */
  webEnvironment(): Record<string, string | undefined>;
}

export function createCliContext(env: CliEnv, globals: () => GlobalOptions): CliContext {
  return {
    env,
    stdout: process.stdout,
    stderr: process.stderr,
    globals,
    webEnvironment,
    async open() {
      keepPrismaQueryCompilerUnoptimized();
      // Loaded here, not at the top: the engine, Prisma and SQLite cost ~0.1 s to load.
      const [{ Taskloom }, { default: pino }] = await Promise.all([
        import("@taskloom/engine"),
        import("pino"),
      ]);
      const options = globals();
      const level = options.verbose ? "debug" : (env.TASKLOOM_LOG_LEVEL ?? "silent");
      const databaseUrl = options.db ?? env.TASKLOOM_DATABASE_URL;
      return Taskloom.open({
        ...(databaseUrl ? { databaseUrl } : {}),
        logger: pino({ level }, pino.destination(2)),
        onWarning: (line) => process.stderr.write(`warning: ${line}\n`),
        taskEnv: taskEnvironment(),
        llm: llmOptionsOf(env),
      });
    },
  };
}

/**
 * V8 tiers a WebAssembly function up to TurboFan once it has executed about 1.8 MB worth of code. Prisma's query
 * compiler (a multi-megabyte wasm module) crosses that while it loads the schema and plans its first queries,
 * and optimizing it cost 60–80 MB of resident memory (code and compiler zones; `taskloom run` of one task
 * peaked at ~200 MB with it, ~120 MB without) and CPU on start. In the CLI, Prisma serves only the few queries
 * off the hot path (plan context, schedules, drafts, listings: the claim/complete loop is raw SQL), so the
 * optimized code never pays for itself; a budget about 55× larger leaves the baseline code to them and still lets a
 * truly hot function tier up in a long-lived worker. Set before the engine (and so Prisma) loads: the flag is
 * read when a module compiles. The web server is its own process and keeps V8's default.
 */
function keepPrismaQueryCompilerUnoptimized(): void {
  v8.setFlagsFromString("--wasm-tiering-budget=100000000");
}

/** Exit codes: 0 ok, 1 failure, 2 invalid input (a plan that does not validate, bad arguments). */
export const EXIT_INVALID = 2;

/**
 * Runs a command body; any error becomes one clear line on stderr (the stack only with --verbose) and a
 * non-zero exit code.
 */
export async function runCommand(
  context: CliContext,
  body: () => Promise<number | undefined>,
): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (error) {
    process.exitCode = reportError(context, error);
  }
}

function reportError(context: CliContext, error: unknown): number {
  const { stderr } = context;
  if (error instanceof PlanValidationError) {
    for (const issue of error.issues) stderr.write(`${formatPlanIssue(issue)}\n`);
    return EXIT_INVALID;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`error: ${message}\n`);
  if (context.globals().verbose && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  if (error instanceof TaskloomError && (error.code === "BAD_INPUT" || error.code === "PLAN_INVALID")) {
    return EXIT_INVALID;
  }
  return 1;
}
