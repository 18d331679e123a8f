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
