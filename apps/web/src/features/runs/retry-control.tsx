"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Button } from "../../components/ui/button.tsx";
import { RetryIcon } from "../../components/ui/icons.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { definitionSummary } from "../../runs/task-definition.ts";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

/**
 * Retry of a failed task. When the plan's definition of the task changed since it ran (a fix was saved), it
 * says so and retries with the current definition; the definition as it ran stays one click away.
 */
export function RetryControl({
  runId,
  taskKey,
  frozenVersion,
  onRetried,
}: {
  runId: string;
  taskKey: string;
  /** The plan version the run started from: that of the frozen copy. */
  frozenVersion: number;
  onRetried: () => void;
}) {
  const trpc = useTRPC();
  // Always fresh: the fix was probably saved in another tab a moment ago.
  const change = useQuery({
    ...trpc.runs.definitionChange.queryOptions({ runId, taskKey }),
    staleTime: 0,
    refetchOnWindowFocus: true,
  });
  const retry = useMutation(
    trpc.runs.retryTask.mutationOptions({
      onSuccess: (_data, input) => {
        toast.success(
          `Retrying ${taskKey}`,
          input.definition === "frozen"
            ? `With the run's copy (v${frozenVersion}). Its blocked dependents run after it.`
            : "Its blocked dependents run after it.",
        );
        onRetried();
      },
      onError: (error) => toast.error(`Could not retry ${taskKey}`, errorMessage(error)),
    }),
  );
  const info = change.data;
  const changed = info?.changed === true && info.current !== null;
  const removed = info !== undefined && info.current === null;
  const pending = retry.isPending ? retry.variables?.definition : undefined;

  return (
    <div className="flex flex-col gap-2" data-testid="retry-control">
      {changed && info.current && (
        <div
          className="rounded-md border border-amber-300 bg-amber-50 p-2.5 text-xs text-amber-900"
          data-testid="plan-changed"
        >
          <p className="font-medium">
            Plan changed since this run: v{info.ranVersion} → v{info.latestVersion}
          </p>
          <p className="mt-1">
            Retry runs the current {definitionSummary(info.current).label}:{" "}
            <code className="font-mono break-all">{definitionSummary(info.current).text}</code>
          </p>
          <p className="mt-0.5 text-amber-800">
            It ran: <code className="font-mono break-all">{definitionSummary(info.ran).text}</code>
          </p>
        </div>
      )}
      {removed && (
        <p className="text-xs text-slate-600" data-testid="plan-changed">
          This task is no longer in the plan (v{info.latestVersion}): a retry runs it as it ran.
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="primary"
          size="sm"
          icon={<RetryIcon size={12} />}
          busy={pending === "current"}
          disabled={retry.isPending}
          onClick={() => retry.mutate({ runId, taskKey, definition: "current" })}
        >
          {changed ? `Retry with v${info.latestVersion}` : `Retry ${taskKey}`}
        </Button>
        {changed && (
          <Button
            size="sm"
            busy={pending === "frozen"}
            disabled={retry.isPending}
            onClick={() => retry.mutate({ runId, taskKey, definition: "frozen" })}
          >
            Retry the run's copy (v{frozenVersion})
          </Button>
        )}
      </div>
    </div>
  );
}
