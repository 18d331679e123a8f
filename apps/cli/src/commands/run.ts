import type { FunctionTaskDefinition, RunDetail } from "@taskloom/core";
import { BadInputError, groupSweepPoints, pointsJson } from "@taskloom/core";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { formatElapsed, iso, palette } from "../format.ts";
import {
  type ProgressRenderer,
  plainRenderer,
  summarize,
  ttyRenderer,
} from "../progress/progress-renderer.ts";
import { RunProgress } from "../progress/run-progress.ts";
import { importPlanPath, loadHandlers } from "../user-modules.ts";
import { workerOptionsFromEnv } from "../worker-env-options.ts";
import { HandlerWaitNotes } from "./handler-wait-notes.ts";
import { collectParam, parsePositiveInt } from "./option-parsers.ts";

interface RunFlags {
  json?: boolean;
  concurrency?: number;
  param: Record<string, string>;
  resume?: string;
  enqueue?: boolean;
  /** The first progress line of a run another command created (a rerun); default "started"/"resuming …". */
  note?: string;
  /** Tasks files whose function handlers this process runs. */
  register?: string[];
  /** Handlers loaded already (by `taskloom rerun`), instead of `register`. */
  handlers?: FunctionTaskDefinition[];
}

/** Exit codes of `taskloom run`: the run's final status. */
const EXIT_BY_STATUS: Record<string, number> = { succeeded: 0, failed: 1, cancelled: 130 };

export function registerRunCommand(program: Command, context: CliContext): void {
  program
    .command("run")
    .description("import a plan file and run it to completion in this process")
    .argument("[file]", "plan file (YAML or JSON)")
    .option("--json", "print one JSON summary on stdout at the end (progress goes to stderr)")
    .option(
      "-c, --concurrency <n>",
      "tasks run at once (default 4, or TASKLOOM_WORKER_CONCURRENCY)",
      parsePositiveInt,
    )
    .option("-p, --param <key=value>", "set a run parameter (repeatable)", collectParam, {})
    .option("--resume <runId>", "go on with a run left unfinished by a process that died")
    .option(
      "--enqueue",
      "create the run and return at once; a `taskloom worker` (or `taskloom start`) executes it",
    )
    .option(
      "--register <file...>",
      "run the function task handlers these .ts/.js files export (defineTask) in this process; default none",
    )
    .action((file: string | undefined, flags: RunFlags) =>
      runCommand(context, () => run(context, file, flags)),
    );
}

/**
 * Executes a run that already exists in this process, with the live progress, the summary and the exit code
 * of `taskloom run` (what `taskloom rerun` does with the run it created).
 */
export function executeRunHere(
  context: CliContext,
  options: {
    runId: string;
    note: string;
    json?: boolean;
    concurrency?: number;
    handlers?: FunctionTaskDefinition[];
  },
): Promise<number> {
  return run(context, undefined, {
    resume: options.runId,
    note: options.note,
    param: {},
    ...(options.handlers ? { handlers: options.handlers } : {}),
    ...(options.json ? { json: true } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}

async function run(context: CliContext, file: string | undefined, flags: RunFlags): Promise<number> {
  if (!file && !flags.resume) throw new BadInputError("give a plan file, or --resume RUN_ID");
  if (file && flags.resume) throw new BadInputError("give either a plan file or --resume, not both");
  const handlers = flags.handlers ?? (await loadHandlers(flags.register ?? [], process.cwd()));
  const taskloom = await context.open();
  try {
    let runId: string;
    let planSlug: string;
    let initial: InitialTask[];
    let hasLlmTasks: boolean;
    if (flags.resume) {
      runId = await taskloom.queries.resolveRunId(flags.resume);
      const before = await taskloom.queries.getRun(runId);
      planSlug = before.planSlug;
      initial = before.tasks;
      hasLlmTasks = before.tasks.some((task) => task.kind === "llm");
    } else {
      const plan = await importPlanPath(taskloom, file ?? "", process.cwd());
      runId = (await taskloom.startRun(plan.slug, { params: flags.param, trigger: "cli" })).runId;
      if (flags.enqueue) {
        context.stdout.write(
          flags.json ? `${JSON.stringify({ run: { id: runId, status: "queued" } })}\n` : `${runId}\n`,
        );
        return 0;
      }
      // A new run's task runs are known without reading them back (20,000 rows through Prisma took ~0.5 s):
      // those with no `requires` start ready (an approval waiting), the others pending.
      planSlug = plan.slug;
      hasLlmTasks = plan.definition.tasks.some((task) => task.kind === "llm");
      initial = plan.definition.tasks.map((task) => ({
        key: task.key,
        kind: task.kind,
        status: task.requires.length > 0 ? "pending" : task.kind === "approval" ? "waiting" : "ready",
        attempts: 0,
      }));
    }
    const progressStream = flags.json ? context.stderr : context.stdout;
    const progress = new RunProgress(initial, Date.now());
    const renderer = createRenderer(context, progressStream, progress, planSlug);
    renderer.note(
      flags.note ??
        `${flags.resume ? "resuming" : "started"} run ${runId} of ${planSlug} (${initial.length} tasks)`,
    );
    // Approvals that wait from the start have no status change to show: say so once, with how to decide.
    for (const task of initial) {
      if (task.status === "waiting") {
        renderer.note(`${task.key} waits for a decision: taskloom approve ${runId} ${task.key} [--reject]`);
      }
    }

    const cancel = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        renderer.note("cancelling: running tasks get SIGTERM (press Ctrl-C again to force quit)");
        cancel.abort();
      } else {
        context.stderr.write("forced quit\n");
        process.exit(130);
      }
    };
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);
    const waits = new HandlerWaitNotes(taskloom, runId, (line) => renderer.note(line));
    if (initial.some((task) => task.kind === "function")) waits.start();
    const concurrency = flags.concurrency ?? context.env.TASKLOOM_WORKER_CONCURRENCY ?? 4;
    let outcome: { status: string };
    try {
      outcome = await taskloom.executeRun(runId, {
        concurrency,
        ...workerOptionsFromEnv(context.env),
        signal: cancel.signal,
        onEvent: (event) => renderer.event(event),
        handlers,
      });
    } finally {
      waits.stop();
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
      renderer.finish();
    }
    if (hasLlmTasks && taskloom.llm.dryRun) {
      // stderr, so that --json keeps stdout to one document.
      context.stderr.write(
        "note: LLM tasks ran in dry-run mode (TASKLOOM_LLM_BASE_URL is not set): their output is the compiled prompt\n",
      );
    }

    if (flags.json) {
      const detail = await taskloom.queries.getRun(runId);
      context.stdout.write(`${JSON.stringify(jsonSummary(detail))}\n`);
      return EXIT_BY_STATUS[detail.status] ?? 1;
    }
    printSummary(context, progressStream, runId, outcome.status, progress);
    return EXIT_BY_STATUS[outcome.status] ?? 1;
  } finally {
    await taskloom.close();
  }
}

/** A task run as the progress starts from, with its kind (function tasks may wait for a worker). */
type InitialTask = ConstructorParameters<typeof RunProgress>[0][number] & { kind: string };

function createRenderer(
  context: CliContext,
  out: NodeJS.WriteStream,
  progress: RunProgress,
  title: string,
): ProgressRenderer {
  const colors = palette(Boolean(out.isTTY) && !context.env.NO_COLOR);
  return out.isTTY
    ? ttyRenderer(progress, out, colors, title, () => Date.now())
    : plainRenderer(progress, out, colors);
}

/** The last lines of a run without --json: its failed tasks again, then its status, time and counts. */
function printSummary(
  context: CliContext,
  out: NodeJS.WriteStream,
  runId: string,
  status: string,
  progress: RunProgress,
): void {
  const colors = palette(Boolean(out.isTTY) && !context.env.NO_COLOR);
  for (const task of progress.tasks.values()) {
    if (task.status === "failed") out.write(`${colors.red("failed")}  ${task.key}: ${task.error ?? ""}\n`);
  }
  const shown = status === "succeeded" ? colors.green(status) : colors.red(status);
  out.write(
    `run ${runId} ${shown} in ${formatElapsed(Date.now() - progress.startedAt)} (${summarize(progress)})\n`,
  );
}

/**
 * The `--json` document: exactly one, on stdout, tasks in plan-file order; a swept task lists its points
 * (`points: [{params, status, attempts, output}]`) instead of them being tasks of their own.
 */
export function jsonSummary(run: RunDetail) {
  return {
    run: {
      id: run.id,
      plan: run.planSlug,
      status: run.status,
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
    },
    tasks: groupSweepPoints(run.tasks).map(({ task, points }) => ({
      key: task.key,
      status: task.status,
      attempts: task.attempts,
      startedAt: iso(task.startedAt),
      finishedAt: iso(task.finishedAt),
      exitCode: task.exitCode,
      output: task.outputJson ?? task.outputText,
      error: task.error,
      ...(points ? { points: pointsJson(points) } : {}),
    })),
  };
}
