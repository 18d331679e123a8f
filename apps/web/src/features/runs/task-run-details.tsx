"use client";

import { useMutation } from "@tanstack/react-query";
import { KindChip } from "../../components/status/kind-icon.tsx";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { Button } from "../../components/ui/button.tsx";
import { RetryIcon } from "../../components/ui/icons.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { formatAbsolute, useNow } from "../../components/ui/time.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { formatElapsed, isFinishedTaskStatus } from "../../graph/run-progress.ts";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { RunTask } from "../../trpc/types.ts";
import { LogTailView } from "./log-tail.tsx";

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

/** One task of a run: its attempts, exit code, output, and its live log. */
export function TaskRunDetails({
  runId,
  task,
  canRetry,
  onRetried,
}: {
  runId: string;
  task: RunTask;
  canRetry: boolean;
  onRetried: () => void;
}) {
  const trpc = useTRPC();
  const active = !isFinishedTaskStatus(task.status);
  const now = useNow(500, active);
  const retry = useMutation(
    trpc.runs.retryTask.mutationOptions({
      onSuccess: () => {
        toast.success(`Retrying ${task.key}`, "Its blocked dependents will run after it.");
        onRetried();
      },
      onError: (error) => toast.error(`Could not retry ${task.key}`, errorMessage(error)),
    }),
  );
  const attempts = [...task.attemptHistory].reverse();

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
            {duration(task.startedAt, task.finishedAt, now)}
            {task.exitCode !== null && <> · exit code {task.exitCode}</>}
          </p>
        </div>
        <StatusPill status={task.status} />
      </header>

      {task.status === "failed" && canRetry && (
        <Button
          variant="primary"
          size="sm"
          icon={<RetryIcon size={12} />}
          busy={retry.isPending}
          className="self-start"
          onClick={() => retry.mutate({ runId, taskKey: task.key })}
        >
          Retry {task.key}
        </Button>
      )}
      {task.error && (
        <Callout title={task.reason ? `Failed: ${task.reason.replace(/_/g, " ")}` : "Failed"}>
          <span className="font-mono text-xs break-words">{task.error}</span>
        </Callout>
      )}
      {!task.error && task.reason && task.status !== "succeeded" && (
        <p className="text-xs text-slate-600">Reason: {task.reason.replace(/_/g, " ")}</p>
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
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {attempts.map((attempt) => (
                <tr key={attempt.attempt} title={attempt.error ?? undefined}>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div>
        <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">Output</h3>
        <OutputView task={task} />
      </div>

      <div className="flex min-h-56 flex-1 flex-col">
        <h3 className="mb-1.5 flex items-center justify-between text-xs font-semibold tracking-wide text-slate-500 uppercase">
          Log
          {active && <span className="font-normal tracking-normal text-blue-700 normal-case">following</span>}
        </h3>
        <LogTailView runId={runId} taskKey={task.key} following={active} />
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
