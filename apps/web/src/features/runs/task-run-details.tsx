"use client";

import Link from "next/link";
import { useState } from "react";
import { KindChip } from "../../components/status/kind-icon.tsx";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { formatAbsolute, useNow } from "../../components/ui/time.tsx";
import { formatElapsed, isFinishedTaskStatus } from "../../graph/run-progress.ts";
import { attemptDefinition, definitionSummary } from "../../runs/task-definition.ts";
import type { RunDetail, RunTask } from "../../trpc/types.ts";
import { ApprovalPanel } from "../approvals/approval-panel.tsx";
import { LlmAttemptsPanel } from "../snapshots/llm-attempts-panel.tsx";
import { LogSearchBar, LogSearchResults } from "./log-search.tsx";
import { LogTailView } from "./log-tail.tsx";
import { RetryControl } from "./retry-control.tsx";
import { SweepSection } from "./sweep-section.tsx";
import { TaskOperatorPanel } from "./task-actions-menu.tsx";

function duration(startedAt: number | null, finishedAt: number | null, now: number): string {
  if (startedAt === null) return "—";
  return formatElapsed((finishedAt ?? now) - startedAt);
}

function OutputView({ task }: { task: RunTask }) {
  const text =
    task.outputJson !== null && task.outputJson !== undefined
      ? JSON.stringify(task.outputJson, null, 2)
      : task.outputText;
  if (text === null || text === "") return <p className="text-xs text-slate-500">No output.</p>;
  return (
    <pre
      data-testid="task-output"
      className="max-h-48 overflow-auto rounded-md bg-slate-100 p-2.5 font-mono text-xs leading-5 break-words whitespace-pre-wrap text-slate-800"
    >
      {text}
    </pre>
  );
}

/** The duration of the last attempt, with the total over every attempt when there were several. */
function taskDuration(task: RunTask, now: number): string {
  const last = task.attemptHistory[task.attemptHistory.length - 1];
  if (!last || task.attemptHistory.length < 2) return duration(task.startedAt, task.finishedAt, now);
  const total = task.attemptHistory.reduce((sum, a) => sum + ((a.finishedAt ?? now) - a.startedAt), 0);
  return `${duration(last.startedAt, last.finishedAt, now)} (total ${formatElapsed(total)})`;
}

/** One task of a run: its attempts and the definition each ran, exit code, output, and its live log. */
export function TaskRunDetails({
  run,
  task,
  canRetry,
  onRetried,
}: {
  run: RunDetail;
  task: RunTask;
  canRetry: boolean;
  onRetried: () => void;
}) {
  const runId = run.id;
  const active = !isFinishedTaskStatus(task.status);
  const now = useNow(500, active);
  const attempts = [...task.attemptHistory].reverse();
  const reason = task.reason?.replace(/_/g, " ") ?? null;
  const [logQuery, setLogQuery] = useState("");

  return (
    <section
      aria-labelledby="task-run-title"
      className="flex min-h-0 flex-1 flex-col gap-4"
      data-testid="task-run-details"
    >
      <header className="flex items-start gap-2.5">
        <KindChip kind={task.kind} />
        <div className="min-w-0 flex-1">
          <h2 id="task-run-title" className="truncate font-mono text-sm font-semibold">
            {task.key}
          </h2>
          <p className="text-xs text-slate-500">
            {task.attempts} attempt{task.attempts === 1 ? "" : "s"} ·{" "}
            <span data-testid="task-duration">{taskDuration(task, now)}</span>
            {task.exitCode !== null && <> · exit code {task.exitCode}</>}
          </p>
          <p className="text-xs text-slate-500" data-testid="task-scheduling">
            Queue{" "}
            <Link
              href={`/queues?queue=${encodeURIComponent(task.queue)}`}
              className="font-mono hover:underline"
            >
              {task.queue}
            </Link>{" "}
            · priority <span className="tabular-nums">{task.priority}</span>
            {task.concurrencyKey !== null && (
              <>
                {" "}
                · concurrency key <code className="font-mono text-slate-700">{task.concurrencyKey}</code>{" "}
                (limit {task.concurrencyLimit ?? 1})
              </>
            )}
            {task.notBefore !== null && task.status === "ready" && (
              <> · not before {formatAbsolute(task.notBefore)}</>
            )}
          </p>
        </div>
        <StatusPill status={task.status} />
      </header>

      {task.waitingFor && task.status === "ready" && (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900"
          data-testid="task-waiting"
        >
          {task.waitingFor.replace(/`([^`]*)`/g, "$1")}: start one with{" "}
          <code className="font-mono">taskloom worker --register FILE</code>
        </p>
      )}
      {task.status === "waiting" && <ApprovalPanel runId={runId} taskKey={task.key} />}
      <TaskOperatorPanel run={run} task={task} />
      {task.status === "failed" && canRetry && (
        <RetryControl
          runId={runId}
          taskKey={task.key}
          frozenVersion={run.planVersion}
          onRetried={onRetried}
        />
      )}
      {task.status === "failed" && (task.error || reason) && (
        <Callout title={reason ? `Failed: ${reason}` : "Failed"}>
          {/* The exit code is in the header: an error that only repeats it says nothing more. */}
          {task.error && task.error !== `exit code ${task.exitCode}` && (
            <span className="font-mono text-xs break-words">{task.error}</span>
          )}
        </Callout>
      )}
      {task.status !== "failed" && task.status !== "succeeded" && (task.error || reason) && (
        <p className="text-xs text-slate-600" data-testid="task-reason">
          {task.status === "blocked" ? "Blocked" : task.status === "cancelled" ? "Cancelled" : "Reason"}
          {reason && reason !== task.status && <>: {reason}</>}
          {task.error && <> — {task.error}</>}
        </p>
      )}

      {attempts.length > 0 && (
        <div>
          <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">Attempts</h3>
          <table className="w-full text-left text-xs">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 font-medium">#</th>
                <th className="py-1 font-medium">Status</th>
                <th className="py-1 font-medium">Started</th>
                <th className="py-1 font-medium">Took</th>
                <th className="py-1 font-medium">Exit</th>
                <th className="py-1 font-medium">Ran</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {attempts.map((attempt) => {
                const definition = attemptDefinition(run, task, attempt);
                const summary = definition ? definitionSummary(definition) : null;
                return (
                  <tr
                    key={attempt.attempt}
                    title={attempt.error ?? undefined}
                    data-testid={`attempt-${attempt.attempt}`}
                  >
                    <td className="py-1.5 tabular-nums">{attempt.attempt}</td>
                    <td className="py-1.5">
                      <StatusPill status={attempt.status} size="sm" />
                    </td>
                    <td className="py-1.5 text-slate-600">
                      {new Date(attempt.startedAt).toLocaleTimeString()}
                    </td>
                    <td className="py-1.5 tabular-nums">
                      {duration(attempt.startedAt, attempt.finishedAt, now)}
                    </td>
                    <td className="py-1.5 tabular-nums">{attempt.exitCode ?? "—"}</td>
                    <td className="max-w-40 py-1.5" data-testid="attempt-definition">
                      <span className="text-slate-500">v{attempt.definitionVersion}</span>{" "}
                      {summary && (
                        <code
                          className="font-mono break-all text-slate-700"
                          title={`${summary.label}: ${summary.text}`}
                        >
                          {summary.text}
                        </code>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {task.kind === "llm" && (
        <LlmAttemptsPanel
          runId={runId}
          taskKey={task.key}
          status={task.status}
          attemptCount={task.attempts}
        />
      )}

      {task.sweep && <SweepSection run={run} task={task} sweep={task.sweep} />}

      <div>
        <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">Output</h3>
        <OutputView task={task} />
      </div>

      <div className="flex min-h-56 flex-1 flex-col">
        <h3 className="mb-1.5 flex items-center justify-between text-xs font-semibold tracking-wide text-slate-500 uppercase">
          Log
          {active && <span className="font-normal tracking-normal text-blue-700 normal-case">following</span>}
        </h3>
        <LogSearchBar runId={runId} taskKey={task.key} query={logQuery} onQuery={setLogQuery} />
        {logQuery.trim() === "" ? (
          <LogTailView runId={runId} taskKey={task.key} following={active} />
        ) : (
          <LogSearchResults runId={runId} taskKey={task.key} query={logQuery.trim()} />
        )}
      </div>
      {task.startedAt !== null && (
        <p className="text-[11px] text-slate-400">
          Started {formatAbsolute(task.startedAt)}
          {task.finishedAt !== null && <>, finished {formatAbsolute(task.finishedAt)}</>}
        </p>
      )}
    </section>
  );
}
