"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TASK_ACTION_RULES, type TaskAction } from "@taskloom/core";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field, Textarea } from "../../components/ui/field.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { RunDetail, RunTask } from "../../trpc/types.ts";

/** What the menu offers: a task action (core's rules say when), or a rerun from this task. */
type MenuAction = TaskAction | "rerun";

const LABELS: Record<MenuAction, { button: string; title: string; explain: string }> = {
  rerun: {
    button: "Rerun from here",
    title: "Rerun from this task",
    explain:
      "Starts a new run of the plan's current version: this task and everything downstream run again; the outputs of the tasks upstream are reused from this run.",
  },
  resolve: {
    button: "Mark resolved",
    title: "Mark this task resolved",
    explain: "The task succeeds with the output you give; the tasks waiting on it then run.",
  },
  skip: {
    button: "Skip",
    title: "Skip this task",
    explain: "The task will not run; the tasks that require it treat it as done with no output.",
  },
  "reset-attempts": {
    button: "Reset attempts",
    title: "Reset this task's attempts",
    explain: "The task gets its whole retry budget again, counted from its next attempt.",
  },
  cancel: {
    button: "Cancel task",
    title: "Cancel this task only",
    explain:
      "The task stops (a running process gets SIGTERM); the tasks that require it are blocked. The rest of the run goes on, and the run ends failed.",
  },
};

/**
 * The operator actions on one task of a run, each behind a confirmation that asks why (the reason is required
 * where core's rules say so, and goes to the run's audit trail with "dashboard" as the actor). Only the
 * actions the task's and run's states allow are offered; the server checks again.
 */
export function TaskActionsMenu({ run, task }: { run: RunDetail; task: RunTask }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<MenuAction | null>(null);
  const [reason, setReason] = useState("");
  const [output, setOutput] = useState("");
  const close = () => {
    setOpen(null);
    setReason("");
    setOutput("");
  };
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.taskRuns.auditTrail.queryKey({ runId: run.id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId: run.id }) });
  };
  const act = useMutation(
    trpc.taskRuns.act.mutationOptions({
      onSuccess: (_data, input) => {
        toast.success(`${LABELS[input.action].button}: ${task.key}`, "Recorded in the run's audit trail.");
        refresh();
        close();
      },
      onError: (error) => toast.error(`Could not change ${task.key}`, errorMessage(error)),
    }),
  );
  const rerun = useMutation(
    trpc.taskRuns.rerun.mutationOptions({
      onSuccess: (data) => {
        toast.success(`Rerun started from ${task.key}`, `Reusing ${data.reused.join(", ") || "nothing"}.`);
        refresh();
        close();
        router.push(`/runs/${data.runId}`);
      },
      onError: (error) => toast.error(`Could not rerun from ${task.key}`, errorMessage(error)),
    }),
  );

  const runOpen = run.status !== "cancelled" && run.status !== "succeeded";
  const allowed = (Object.keys(TASK_ACTION_RULES) as TaskAction[]).filter(
    (action) => runOpen && TASK_ACTION_RULES[action].from.includes(task.status),
  );
  const runEnded = run.status === "succeeded" || run.status === "failed" || run.status === "cancelled";
  const offered: MenuAction[] = [...(runEnded ? (["rerun"] as const) : []), ...allowed];
  if (offered.length === 0) return null;

  const reasonRequired = open !== null && open !== "rerun" && TASK_ACTION_RULES[open].reasonRequired;
  const busy = act.isPending || rerun.isPending;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (open === null || (reasonRequired && reason.trim() === "")) return;
    const why = reason.trim() === "" ? {} : { reason: reason.trim() };
    if (open === "rerun") rerun.mutate({ runId: run.id, fromTask: task.key, ...why });
    else {
      act.mutate({
        runId: run.id,
        taskKey: task.key,
        action: open,
        ...why,
        ...(open === "resolve" ? { output } : {}),
      });
    }
  };

  return (
    <div className="flex flex-wrap gap-2" data-testid="task-actions-menu">
      {offered.map((action) => (
        <Button
          key={action}
          size="sm"
          variant={action === "cancel" ? "danger" : "secondary"}
          onClick={() => setOpen(action)}
          data-testid={`task-action-${action}`}
        >
          {LABELS[action].button}
        </Button>
      ))}
      <Dialog
        open={open !== null}
        onClose={close}
        title={open ? `${LABELS[open].title}: ${task.key}` : ""}
        description={open ? LABELS[open].explain : undefined}
        footer={
          <>
            <Button onClick={close} disabled={busy}>
              Back
            </Button>
            <Button
              type="submit"
              form="task-action-form"
              variant={open === "cancel" ? "danger" : "primary"}
              busy={busy}
              disabled={reasonRequired && reason.trim() === ""}
              data-testid="task-action-confirm"
            >
              {open ? LABELS[open].button : ""}
            </Button>
          </>
        }
      >
        <form id="task-action-form" className="flex flex-col gap-3" onSubmit={submit}>
          {open === "resolve" && (
            <Field
              label="Output"
              hint="What the task's dependents read as its output (JSON for output: json tasks)."
            >
              {(control) => (
                <Textarea
                  {...control}
                  value={output}
                  onChange={(event) => setOutput(event.target.value)}
                  rows={4}
                />
              )}
            </Field>
          )}
          <Field
            label={reasonRequired ? "Reason (required)" : "Reason (optional)"}
            hint="Shown in the audit trail."
          >
            {(control) => (
              <Textarea
                {...control}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                rows={2}
                maxLength={500}
                data-testid="task-action-reason"
              />
            )}
          </Field>
        </form>
      </Dialog>
    </div>
  );
}

/** Where a task's output came from when it did not produce it in this run, as a badge. */
export function OutputSourceBadge({ task }: { task: RunTask }) {
  if (task.outputFrom === null) return null;
  const text =
    task.outputFrom === "reuse"
      ? `Reused from ${task.outputFromRunId}`
      : task.outputFrom === "cache"
        ? `From cache (${task.cacheKey ?? "?"}), stored by ${task.outputFromRunId}`
        : "Resolved by an operator";
  return (
    <p data-testid="output-source">
      <span className="inline-flex items-center rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800 ring-1 ring-sky-200">
        {task.outputFrom === "reuse" && task.outputFromRunId ? (
          <a className="underline" href={`/runs/${task.outputFromRunId}`}>
            {text}
          </a>
        ) : (
          text
        )}
      </span>
    </p>
  );
}

/** What the details panel mounts: the output's source, then the actions menu. */
export function TaskOperatorPanel({ run, task }: { run: RunDetail; task: RunTask }) {
  return (
    <>
      <OutputSourceBadge task={task} />
      <TaskActionsMenu run={run} task={task} />
    </>
  );
}
