"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field, Input, Textarea } from "../../components/ui/field.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { slugify, slugProblem } from "./slug.ts";

export function CreatePlanDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  // Until the slug is edited by hand, it follows the name.
  const [slugTouched, setSlugTouched] = useState(false);
  const [goal, setGoal] = useState("");
  const [submitted, setSubmitted] = useState(false);

  const create = useMutation(
    trpc.plans.create.mutationOptions({
      onSuccess: ({ slug: created }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.plans.list.queryKey() });
        toast.success("Plan created", "Add its first task on the canvas.");
        close();
        router.push(`/plans/${created}`);
      },
    }),
  );

  const effectiveSlug = slugTouched ? slug : slugify(name);
  const problem = slugProblem(effectiveSlug);

  function close() {
    setName("");
    setSlug("");
    setSlugTouched(false);
    setGoal("");
    setSubmitted(false);
    create.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (problem !== null) return;
    create.mutate({
      slug: effectiveSlug,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(goal.trim() ? { goal: goal.trim() } : {}),
    });
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New plan"
      description="A plan is a goal broken into tasks. Start empty and draw the graph on the canvas."
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button variant="primary" type="submit" form="create-plan-form" busy={create.isPending}>
            Create plan
          </Button>
        </>
      }
    >
      <form id="create-plan-form" onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Name">
          {(control) => (
            <Input
              {...control}
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="Nightly sales ETL"
              maxLength={200}
            />
          )}
        </Field>
        <Field
          label="Slug"
          hint="Used in URLs and on the command line: taskloom plan export <slug>"
          errors={submitted && problem ? [problem] : undefined}
        >
          {(control) => (
            <Input
              {...control}
              value={effectiveSlug}
              onChange={(event) => {
                setSlugTouched(true);
                setSlug(event.target.value);
              }}
              placeholder="nightly-sales-etl"
              invalid={submitted && problem !== null}
              className="font-mono"
            />
          )}
        </Field>
        <Field label="Goal" hint="Optional. What this plan is for.">
          {(control) => (
            <Textarea
              {...control}
              rows={3}
              value={goal}
              onChange={(event) => setGoal(event.target.value)}
              className="font-sans"
            />
          )}
        </Field>
        {create.error && <Callout title="The plan was not created">{errorMessage(create.error)}</Callout>}
      </form>
    </Dialog>
  );
}
