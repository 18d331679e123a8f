"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

/**
 * "Draft plan from goal": the person writes a goal, the model proposes a plan (validated on the server),
 * which is stored as a draft and opened in the graph editor, distinctly styled, to be edited with the
 * editor's tools and then approved or discarded there; with `into`, approving adds its tasks to that plan.
 * With the dry-run provider the dialog says what to set.
 */
export function DraftPlanDialog({
  open,
  onClose,
  into,
}: {
  open: boolean;
  onClose: () => void;
  /** A plan to add the drafted tasks to on approval. Default none: the draft is a plan of its own. */
  into?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const availability = useQuery({ ...trpc.plans.draftAvailability.queryOptions(), enabled: open });
  const [goal, setGoal] = useState("");

  const create = useMutation(
    trpc.drafts.create.mutationOptions({
      onSuccess: async (draft) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.plans.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.drafts.pathKey() }),
        ]);
        toast.success(`Drafted ${draft.planSlug}`, "Review and edit the draft, then approve or discard it.");
        close();
        router.push(`/plans/${draft.planSlug}`);
      },
    }),
  );

  function close() {
    setGoal("");
    create.reset();
    onClose();
  }

  const unavailable = availability.data?.available === false;

  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title={into === undefined ? "Draft plan from goal" : "Draft tasks from goal"}
      description={
        into === undefined
          ? "The model proposes tasks and their requires links; the draft opens in the graph editor, where you edit it and approve or discard it."
          : `The model proposes tasks for ${into}; the draft opens in the graph editor, and approving it adds its tasks to ${into}.`
      }
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button
            variant="primary"
            disabled={unavailable || goal.trim() === ""}
            busy={create.isPending}
            onClick={() => create.mutate(into === undefined ? { goal } : { goal, into })}
          >
            Draft plan
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        {unavailable && (
          <Callout tone="info" title="A model provider is needed">
            Drafting asks a language model. Start Taskloom with TASKLOOM_LLM_BASE_URL (an OpenAI-compatible
            server: Ollama, vLLM, OpenAI…) and TASKLOOM_LLM_MODEL set; without them LLM tasks run in dry-run
            mode.
          </Callout>
        )}
        <label htmlFor="draft-goal" className="text-xs font-medium text-slate-600">
          Goal
        </label>
        <textarea
          id="draft-goal"
          value={goal}
          disabled={unavailable}
          onChange={(event) => setGoal(event.target.value)}
          rows={4}
          maxLength={4000}
          placeholder="Brief the CFO on our competitors' pricing, from their public price pages."
          className="block w-full resize-y rounded-md border border-slate-300 px-3 py-2 text-sm focus:ring-2 focus:ring-indigo-500 focus:outline-none disabled:bg-slate-100"
        />
        {create.error && <Callout title="No draft">{errorMessage(create.error)}</Callout>}
      </div>
    </Dialog>
  );
}
