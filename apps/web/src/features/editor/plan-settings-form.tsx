"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Field, Input, Textarea } from "../../components/ui/field.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { PlanView } from "../../trpc/types.ts";
import { usePlanVersion } from "./plan-version.ts";
import { useEditBase } from "./use-edit-base.ts";

const sameSettings = (a: { name: string; goal: string }, b: { name: string; goal: string }) =>
  a.name === b.name && a.goal === b.goal;

export function PlanSettingsForm({ plan }: { plan: PlanView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const version = usePlanVersion(plan.slug);
  const edit = useEditBase({ name: plan.name, goal: plan.goal }, plan.version, sameSettings);
  const { name, goal } = edit.value;
  const setName = (next: string) => edit.setValue((current) => ({ ...current, name: next }));
  const setGoal = (next: string) => edit.setValue((current) => ({ ...current, goal: next }));
  const update = useMutation(
    trpc.plans.update.mutationOptions({
      onSuccess: async (saved, input) => {
        version.saved(saved);
        edit.saved(saved.version, { name: input.name ?? name, goal: input.goal ?? goal });
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.plans.get.queryKey({ slug: plan.slug }) }),
          queryClient.invalidateQueries({ queryKey: trpc.plans.list.queryKey() }),
        ]);
        toast.success("Plan saved");
      },
    }),
  );
  const { dirty, baseVersion } = edit;
  const nameProblem = name.trim() === "" ? "a name is required" : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (nameProblem) return;
    update.mutate({ slug: plan.slug, name: name.trim(), goal, baseVersion });
  }

  const params = Object.entries(plan.params);
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-label="Plan settings">
      <Field label="Slug" hint="The slug cannot change: runs and the CLI refer to it.">
        {(control) => <Input {...control} value={plan.slug} disabled className="font-mono" />}
      </Field>
      <Field label="Name" errors={nameProblem ? [nameProblem] : undefined}>
        {(control) => (
          <Input
            {...control}
            value={name}
            onChange={(event) => setName(event.target.value)}
            invalid={nameProblem !== null}
          />
        )}
      </Field>
      <Field label="Goal">
        {(control) => (
          <Textarea
            {...control}
            rows={4}
            value={goal}
            onChange={(event) => setGoal(event.target.value)}
            className="font-sans"
          />
        )}
      </Field>
      <div>
        <p className="mb-1 text-xs font-medium text-slate-700">Run parameters</p>
        {params.length === 0 ? (
          <p className="text-xs text-slate-500">
            None. Declare `params` in the plan file to ask for values at run time.
          </p>
        ) : (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-md bg-slate-50 p-2 font-mono text-xs">
            {params.map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500">{key}</dt>
                <dd className="truncate text-slate-800">{String(value)}</dd>
              </div>
            ))}
          </dl>
        )}
      </div>
      {update.error && <Callout title="Not saved">{errorMessage(update.error)}</Callout>}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={!dirty} busy={update.isPending}>
          Save
        </Button>
        <Button
          disabled={!dirty}
          onClick={() => {
            setName(plan.name);
            setGoal(plan.goal);
          }}
        >
          Revert
        </Button>
      </div>
    </form>
  );
}
