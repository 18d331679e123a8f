import { BadInputError, parseDuration, type QueuedSelection, type QueuedTaskRun } from "@taskloom/core";
import type { RescheduleTo } from "@taskloom/engine";
import { type Command, InvalidArgumentError } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { iso, table } from "../format.ts";
import { parsePositiveInt } from "./option-parsers.ts";
import { listQueuesAction } from "./queues.ts";

interface SelectionFlags {
  plan?: string;
  run?: string;
  ids?: number[];
  json?: boolean;
}

/** `--ids 4,5,9`: task run ids as `queue peek` prints them. */
function parseIds(value: string): number[] {
  const ids = value.split(",").map((part) => Number(part.trim()));
  if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id > 0)) {
    throw new InvalidArgumentError(
      `expected task run ids separated by commas, such as 4,5,9; got "${value}"`,
    );
  }
  return ids;
}

/** The filters every bulk action shares: the queue is the argument; plan, run and ids narrow it. */
function withSelection(command: Command): Command {
  return command
    .argument("<queue>", "the queue whose queued task runs to act on")
    .option("--plan <slug>", "only task runs of this plan")
    .option("--run <id>", "only task runs of this run")
    .option("--ids <ids>", "only these task runs (ids from `queue peek`, comma-separated)", parseIds)
    .option("--json", "print the ids acted on as JSON");
}

function selectionOf(queue: string, flags: SelectionFlags): QueuedSelection {
  return {
    queue,
    ...(flags.plan !== undefined ? { planSlug: flags.plan } : {}),
    ...(flags.run !== undefined ? { runId: flags.run } : {}),
    ...(flags.ids !== undefined ? { taskRunIds: flags.ids } : {}),
  };
}

function rescheduleTarget(flags: { in?: string; at?: string; now?: boolean }): RescheduleTo {
  const given = [flags.in, flags.at, flags.now].filter((flag) => flag !== undefined).length;
  if (given !== 1) throw new BadInputError("give exactly one of --in DURATION, --at TIME or --now");
  if (flags.now) return null;
  if (flags.in !== undefined) {
    try {
      return { delayMs: parseDuration(flags.in) };
    } catch (error) {
      throw new BadInputError(`--in: ${(error as Error).message}`);
    }
  }
  const at = Date.parse(flags.at ?? "");
  if (Number.isNaN(at)) {
    throw new BadInputError(`--at takes an ISO time such as 2026-12-01T18:00:00Z, got "${flags.at}"`);
  }
  return { at };
}

function concurrencyCell(run: QueuedTaskRun): string {
  if (run.concurrencyKey === null) return "-";
  return `${run.concurrencyKey} (${run.concurrencyRunning ?? 0}/${run.concurrencyLimit ?? 1} running)`;
}

export function registerQueueCommand(program: Command, context: CliContext): void {
  const queue = program
    .command("queue")
    .description("queue admin: list, peek, move, reschedule, cancel, pause, resume");

  queue
    .command("list")
    .description("queues in use with their limits, depth (ready) and running task runs")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => listQueuesAction(context, flags));

  queue
    .command("peek")
    .description("the next queued task runs of a queue, in the exact order workers will claim them")
    .argument("<queue>", "queue name")
    .option("--limit <n>", "how many to show (default 20, at most 500)", parsePositiveInt)
    .option("--json", "print JSON")
    .action((name: string, flags: { limit?: number; json?: boolean }) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          const runs = await taskloom.queues.peek(name, flags.limit ?? 20);
          if (flags.json) {
            context.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
            return 0;
          }
          if (runs.length === 0) {
            context.stdout.write(`queue ${name}: nothing queued\n`);
            return 0;
          }
          const rows = [["#", "ID", "PLAN", "TASK", "RUN", "PRIORITY", "NOT BEFORE", "CONCURRENCY KEY"]];
          runs.forEach((run, index) => {
            rows.push([
              String(index + 1),
              String(run.id),
              run.planSlug,
              run.taskKey,
              run.runId,
              String(run.priority),
              iso(run.notBefore) ?? "-",
              concurrencyCell(run),
            ]);
          });
          context.stdout.write(`${table(rows)}\n`);
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );

  /** Runs one bulk action and reports what it touched. */
  const bulk = (
    flags: SelectionFlags,
    verb: string,
    act: (taskloom: Awaited<ReturnType<CliContext["open"]>>) => Promise<number[]>,
  ) =>
    runCommand(context, async () => {
      const taskloom = await context.open();
      try {
        const ids = await act(taskloom);
        if (flags.json) context.stdout.write(`${JSON.stringify(ids)}\n`);
        else context.stdout.write(`${verb} ${ids.length} queued task run${ids.length === 1 ? "" : "s"}\n`);
        return 0;
      } finally {
        await taskloom.close();
      }
    });

  withSelection(queue.command("move"))
    .description("move queued task runs to another queue")
    .requiredOption("--to <queue>", "the queue to move them to")
    .action((name: string, flags: SelectionFlags & { to: string }) =>
      bulk(flags, `moved to ${flags.to}:`, (taskloom) =>
        taskloom.queues.move(selectionOf(name, flags), flags.to),
      ),
    );

  withSelection(queue.command("reschedule"))
    .description("delay queued task runs: workers do not claim them before the given time")
    .option("--in <duration>", "from now, such as 30s, 10m, 2h")
    .option("--at <time>", "an ISO time, such as 2026-12-01T18:00:00Z")
    .option("--now", "claimable at once again")
    .action((name: string, flags: SelectionFlags & { in?: string; at?: string; now?: boolean }) =>
      bulk(flags, "rescheduled", (taskloom) =>
        taskloom.queues.reschedule(selectionOf(name, flags), rescheduleTarget(flags)),
      ),
    );

  withSelection(queue.command("cancel"))
    .description(
      "cancel queued task runs (their pending dependents are blocked; running ones are left alone)",
    )
    .action((name: string, flags: SelectionFlags) =>
      bulk(flags, "cancelled", (taskloom) => taskloom.queues.cancel(selectionOf(name, flags))),
    );

  for (const [verb, paused] of [
    ["pause", true],
    ["resume", false],
  ] as const) {
    queue
      .command(verb)
      .description(
        paused
          ? "stop claiming the queue's task runs (running ones finish)"
          : "claim the queue's task runs again",
      )
      .argument("<queue>", "queue name")
      .action((name: string) =>
        runCommand(context, async () => {
          const taskloom = await context.open();
          try {
            const settings = paused ? await taskloom.queues.pause(name) : await taskloom.queues.resume(name);
            context.stdout.write(`queue ${settings.name}: ${settings.paused ? "paused" : "running"}\n`);
            return 0;
          } finally {
            await taskloom.close();
          }
        }),
      );
  }
}
