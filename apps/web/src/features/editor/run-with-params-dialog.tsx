"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ParamValue } from "@taskloom/core";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field, Input } from "../../components/ui/field.tsx";
import { PlayIcon } from "../../components/ui/icons.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

/**
 * Run button for the editor: with declared params it asks for their values first (prefilled with the
 * defaults, as `--param k=v` would override them on the CLI).
 */
export function RunPlanControl({
  planSlug,
  planName,
  params,
  disabled,
  variant = "primary",
  label,
}: {
  planSlug: string;
  planName: string;
  params: Record<string, ParamValue>;
  disabled: boolean;
  /** Default `primary`. */
  variant?: "primary" | "secondary";
  /** The button's accessible name. Default: its text, "Run". */
  label?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  // In name order, whichever way the params came (plan file order on one page, canonical on another).
  const names = Object.keys(params).sort();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});

  const start = useMutation(
    trpc.runs.start.mutationOptions({
      onSuccess: ({ runId }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.plans.list.queryKey() });
        setOpen(false);
        router.push(`/runs/${runId}`);
      },
      onError: (error) => {
        // With the dialog open, the error shows in it; a direct start reports here.
        if (!open) toast.error(`Could not start ${planName}`, errorMessage(error));
      },
    }),
  );

  function run() {
    if (names.length === 0) {
      start.mutate({ planSlug });
      return;
    }
    setValues(Object.fromEntries(names.map((name) => [name, String(params[name] ?? "")])));
    start.reset();
    setOpen(true);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    // Only overridden values are sent: the run records exactly what differed from the plan's defaults.
    const overrides = Object.fromEntries(
      Object.entries(values).filter(([name, value]) => value !== String(params[name] ?? "")),
    );
    start.mutate({ planSlug, params: overrides });
  }

  return (
    <>
      <Button
        variant={variant}
        size="sm"
        icon={<PlayIcon size={12} />}
        aria-label={label}
        busy={start.isPending && !open}
        disabled={disabled}
        title={disabled ? "Add a task first" : undefined}
        onClick={run}
      >
        Run
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        size="sm"
        title={`Run ${planName}`}
        description="Parameters for this run. Unchanged values keep the plan's defaults."
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button
              variant="primary"
              type="submit"
              form="run-params-form"
              busy={start.isPending}
              icon={<PlayIcon size={12} />}
            >
              Start run
            </Button>
          </>
        }
      >
        <form id="run-params-form" onSubmit={submit} className="flex flex-col gap-3">
          {names.map((name) => (
            <Field key={name} label={<span className="font-mono">{name}</span>}>
              {(control) => (
                <Input
                  {...control}
                  value={values[name] ?? ""}
                  onChange={(event) => setValues((current) => ({ ...current, [name]: event.target.value }))}
                />
              )}
            </Field>
          ))}
          {start.error && <Callout title="The run was not started">{errorMessage(start.error)}</Callout>}
        </form>
      </Dialog>
    </>
  );
}
