import { BadInputError, MISSED_POLICIES, OVERLAP_POLICIES } from "@taskloom/core";
import type { ScheduleView, Taskloom } from "@taskloom/engine";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { iso, table } from "../format.ts";
import { collectParam } from "./option-parsers.ts";

interface AddFlags {
  cron?: string;
  every?: string;
  at?: string;
  name?: string;
  timezone?: string;
  param: Record<string, string>;
  missed?: string;
  overlap?: string;
  paused?: boolean;
  json?: boolean;
}

const REF = ["<schedule>", "the schedule's id, or PLAN/NAME"] as const;

/** Opens the engine, runs `body`, closes it. */
async function withEngine<T>(context: CliContext, body: (taskloom: Taskloom) => Promise<T>): Promise<T> {
  const taskloom = await context.open();
  try {
    return await body(taskloom);
  } finally {
    await taskloom.close();
  }
}

function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function state(schedule: ScheduleView): string {
  if (!schedule.enabled) return "paused";
  if (schedule.nextFireAt === null) return "done";
  return schedule.queuedFires.length > 0 ? `${schedule.queuedFires.length} queued` : "active";
}

function scheduleTable(schedules: ScheduleView[]): string {
  const rows = [["ID", "PLAN", "NAME", "RULE", "NEXT FIRE", "LAST RUN", "STATE"]];
  for (const schedule of schedules) {
    rows.push([
      schedule.id,
      schedule.planSlug,
      schedule.name ?? "-",
      schedule.description,
      iso(schedule.upcoming[0] ?? null) ?? "-",
      schedule.lastRun ? `${schedule.lastRun.id} (${schedule.lastRun.status})` : "-",
      state(schedule),
    ]);
  }
  return table(rows);
}

/** One line saying what a change left. */
function summary(schedule: ScheduleView): string {
  const next = schedule.upcoming[0];
  const label = schedule.name ? `${schedule.planSlug}/${schedule.name}` : schedule.id;
  return `schedule ${label} (${schedule.id}): ${schedule.description}, ${state(schedule)}${next === undefined ? "" : `, next ${iso(next)}`}\n`;
}

export function registerScheduleCommand(program: Command, context: CliContext): void {
  const schedule = program
    .command("schedule")
    .description(
      "schedules that start runs by cron, interval or time (fired by `taskloom worker` and `start`)",
    );

  schedule
    .command("list")
    .description("every schedule with its rule, next fire time and last run")
    .option("--plan <slug>", "only this plan's schedules")
    .option("--json", "print JSON")
    .action((flags: { plan?: string; json?: boolean }) =>
      runCommand(context, () =>
        withEngine(context, async (taskloom) => {
          const list = await taskloom.schedules.list(flags.plan ? { planSlug: flags.plan } : {});
          if (flags.json) printJson(context, list);
          else context.stdout.write(list.length === 0 ? "no schedules\n" : `${scheduleTable(list)}\n`);
          return 0;
        }),
      ),
    );

  schedule
    .command("add")
    .description("add a schedule to a stored plan: one of --cron, --every or --at")
    .argument("<plan>", "the plan's slug")
    .option("--cron <expr>", 'cron rule: 5 fields, or 6 with seconds first ("*/5 * * * *")')
    .option("--every <duration>", "fixed interval from now (10m, 1h)")
    .option("--at <time>", "one run at an ISO time (2026-12-24T18:00:00Z)")
    .option("--name <name>", "a name, unique in the plan (lets you say PLAN/NAME)")
    .option("--timezone <zone>", "IANA timezone for --cron and offset-less --at (default UTC)")
    .option("-p, --param <key=value>", "run param (repeatable)", collectParam, {})
    // Checked by the plan-file rules (exit 2 naming the field), not commander's choices (exit 1 here).
    .option(
      "--missed <policy>",
      `fires missed while nothing ran: ${MISSED_POLICIES.join(" | ")} (default skip)`,
    )
    .option(
      "--overlap <policy>",
      `a fire while the previous run is open: ${OVERLAP_POLICIES.join(" | ")} (default skip)`,
    )
    .option("--paused", "add it paused")
    .option("--json", "print the schedule as JSON")
    .action((plan: string, flags: AddFlags) =>
      runCommand(context, async () => {
        const rules = (["cron", "every", "at"] as const).filter((rule) => flags[rule] !== undefined);
        if (rules.length !== 1) throw new BadInputError("give exactly one of --cron, --every or --at");
        const document = {
          ...(flags.cron !== undefined ? { cron: flags.cron } : {}),
          ...(flags.every !== undefined ? { every: flags.every } : {}),
          ...(flags.at !== undefined ? { at: flags.at } : {}),
          ...(flags.name !== undefined ? { name: flags.name } : {}),
          ...(flags.timezone !== undefined ? { timezone: flags.timezone } : {}),
          ...(Object.keys(flags.param).length > 0 ? { params: flags.param } : {}),
          ...(flags.missed !== undefined ? { missed: flags.missed } : {}),
          ...(flags.overlap !== undefined ? { overlap: flags.overlap } : {}),
          ...(flags.paused ? { enabled: false } : {}),
        };
        return withEngine(context, async (taskloom) => {
          const created = await taskloom.schedules.create(plan, document);
          if (flags.json) printJson(context, created);
          else context.stdout.write(summary(created));
          return 0;
        });
      }),
    );

  for (const [name, description] of [
    ["pause", "stop firing a schedule (fires while paused are not caught up)"],
    ["resume", "fire a paused schedule again, from its next fire after now"],
  ] as const) {
    schedule
      .command(name)
      .description(description)
      .argument(...REF)
      .action((ref: string) =>
        runCommand(context, () =>
          withEngine(context, async (taskloom) => {
            context.stdout.write(summary(await taskloom.schedules[name](ref)));
            return 0;
          }),
        ),
      );
  }

  schedule
    .command("remove")
    .description("delete a schedule (its runs stay)")
    .argument(...REF)
    .action((ref: string) =>
      runCommand(context, () =>
        withEngine(context, async (taskloom) => {
          const found = await taskloom.schedules.resolve(ref);
          await taskloom.schedules.remove(found.id);
          context.stdout.write(`removed schedule ${found.id}\n`);
          return 0;
        }),
      ),
    );

  schedule
    .command("trigger")
    .description("start a run now with the schedule's params (any worker executes it)")
    .argument(...REF)
    .option("--json", "print the run as JSON")
    .action((ref: string, flags: { json?: boolean }) =>
      runCommand(context, () =>
        withEngine(context, async (taskloom) => {
          const run = await taskloom.schedules.trigger(ref);
          if (flags.json) printJson(context, run);
          else context.stdout.write(`started run ${run.runId} of ${run.planSlug}\n`);
          return 0;
        }),
      ),
    );
}
