import type { RunDetail, RunSummary } from "@taskloom/core";
import { groupSweepPoints, pointsJson } from "@taskloom/core";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { formatElapsed, iso, table } from "../format.ts";
import { parsePositiveInt } from "./option-parsers.ts";

const duration = (start: number | null, end: number | null) =>
  start !== null && end !== null ? formatElapsed(end - start) : "-";

export function registerRunsCommand(program: Command, context: CliContext): void {
  const runs = program
    .command("runs")
    .description("list runs, newest first (`runs show RUN_ID` for one run)")
    .option("--plan <slug>", "only runs of this plan")
    .option("--limit <n>", "how many (default 20)", parsePositiveInt)
    .option("--json", "print JSON")
    .action((flags: { plan?: string; limit?: number; json?: boolean }) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          const list = await taskloom.queries.listRuns({
            ...(flags.plan ? { planSlug: flags.plan } : {}),
            limit: flags.limit ?? 20,
          });
          context.stdout.write(
            flags.json ? `${JSON.stringify(list.map(runJson), null, 2)}\n` : runsTable(list),
          );
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );

  runs
    .command("show")
    .description("one run: each task's status, attempts, duration and exit code")
    .argument("<runId>", "run id (a unique prefix is enough)")
    .option("--json", "print JSON")
    .action((runId: string, flags: { json?: boolean }) =>
      runCommand(context, async () => {
        // `runs show ID --json`: commander hands a flag the parent also defines to the parent.
        const json = flags.json || runs.opts<{ json?: boolean }>().json;
        const taskloom = await context.open();
        try {
          const run = await taskloom.getRun(runId);
          context.stdout.write(
            json ? `${JSON.stringify(runDetailJson(run), null, 2)}\n` : runDetailText(run),
          );
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );
}

function runJson(run: RunSummary) {
  return {
    id: run.id,
    plan: run.planSlug,
    planVersion: run.planVersion,
    status: run.status,
    trigger: run.trigger,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    tasks: run.counts,
  };
}

function runsTable(list: RunSummary[]): string {
  if (list.length === 0) return "no runs yet: start one with `taskloom run FILE`\n";
  const rows = [["RUN", "PLAN", "STATUS", "TRIGGER", "CREATED", "DURATION", "TASKS"]];
  for (const run of list) {
    const counts = Object.entries(run.counts)
      .map(([status, n]) => `${n} ${status}`)
      .join(", ");
    rows.push([
      run.id,
      run.planSlug,
      run.status,
      run.trigger,
      iso(run.createdAt) ?? "-",
      duration(run.startedAt, run.finishedAt),
      counts,
    ]);
  }
  return `${table(rows)}\n`;
}

function runDetailJson(run: RunDetail) {
  return {
    ...runJson(run),
    params: run.params,
    tasks: groupSweepPoints(run.tasks).map(({ task, points }) => ({
      key: task.key,
      kind: task.kind,
      status: task.status,
      attempts: task.attempts,
      startedAt: iso(task.startedAt),
      finishedAt: iso(task.finishedAt),
      durationMs:
        task.startedAt !== null && task.finishedAt !== null ? task.finishedAt - task.startedAt : null,
      exitCode: task.exitCode,
      output: task.outputJson ?? task.outputText,
      error: task.error,
      reason: task.reason,
      outputFrom: task.outputFrom,
      outputFromRunId: task.outputFromRunId,
      cacheKey: task.cacheKey,
      ...(task.waitingFor ? { waitingFor: task.waitingFor } : {}),
      attemptHistory: task.attemptHistory.map((a) => ({
        ...a,
        startedAt: iso(a.startedAt),
        finishedAt: iso(a.finishedAt),
      })),
      ...(points ? { points: pointsJson(points) } : {}),
    })),
  };
}

/** ` (reused from run_…)`, ` (cached, run_…)`, ` (resolved by hand)`: where an output came from. */
function outputSourceNote(task: RunDetail["tasks"][number]): string {
  switch (task.outputFrom) {
    case "reuse":
      return ` (reused from ${task.outputFromRunId})`;
    case "cache":
      return ` (cached, from ${task.outputFromRunId})`;
    case "operator":
      return " (resolved by hand)";
    default:
      return "";
  }
}

function runDetailText(run: RunDetail): string {
  const head = [
    `run       ${run.id}`,
    `plan      ${run.planSlug} (version ${run.planVersion})`,
    `status    ${run.status}`,
    `trigger   ${run.trigger}`,
    `created   ${iso(run.createdAt)}`,
    `duration  ${duration(run.startedAt, run.finishedAt)}`,
  ];
  const rows = [["TASK", "STATUS", "ATTEMPTS", "DURATION", "EXIT", "ERROR"]];
  for (const task of run.tasks) {
    rows.push([
      task.key,
      `${task.status}${outputSourceNote(task)}${task.waitingFor ? ` (${task.waitingFor})` : ""}`,
      String(task.attempts),
      duration(task.startedAt, task.finishedAt),
      task.exitCode === null ? "-" : String(task.exitCode),
      task.error ?? "",
    ]);
  }
  const llm = run.tasks.flatMap((task) =>
    task.attemptHistory.flatMap((a) =>
      a.llm
        ? [
            `${task.key} #${a.attempt}: ${a.llm.model ?? "?"}, ${a.llm.promptTokens ?? "?"} prompt + ${a.llm.completionTokens ?? "?"} completion tokens, context ${a.llm.snapshotHash?.slice(0, 12) ?? "-"}`,
          ]
        : [],
    ),
  );
  const llmText = llm.length > 0 ? `\nLLM attempts\n${llm.map((line) => `  ${line}`).join("\n")}\n` : "";
  return `${head.join("\n")}\n\n${table(rows)}\n${llmText}`;
}
