"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Button } from "../../components/ui/button.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

/** The plan's draft mark ("Draft plan from goal"), null for an ordinary plan; undefined while loading. */
export function useDraftOf(planSlug: string) {
  const trpc = useTRPC();
  return useQuery(trpc.drafts.get.queryOptions({ slug: planSlug })).data;
}

/**
 * Over the graph editor of a draft from a goal: what it is, and the two ways out. Approve makes it an
 * ordinary plan as edited (it can run from then on); Discard deletes it. Nothing runs while it is a draft.
 */
export function DraftBanner({ planSlug }: { planSlug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const draft = useDraftOf(planSlug);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.drafts.pathKey() }),
      // Every plan query: approving into a plan changed that plan, which this tab may hold from before.
      queryClient.invalidateQueries({ queryKey: trpc.plans.pathKey() }),
    ]);
  const approve = useMutation(
    trpc.drafts.approve.mutationOptions({
      onSuccess: async (approved) => {
        await refresh();
        if (approved.slug === planSlug) {
          toast.success(`Approved ${planSlug}`, "The draft is now a plan: it can run.");
        } else {
          toast.success(`Added to ${approved.slug}`, "The draft's tasks are now part of the plan.");
          router.push(`/plans/${approved.slug}`);
        }
      },
      onError: (error) => toast.error("Could not approve the draft", errorMessage(error)),
    }),
  );
  const discard = useMutation(
    trpc.drafts.discard.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success(`Discarded ${planSlug}`);
        router.push("/plans");
      },
      onError: (error) => toast.error("Could not discard the draft", errorMessage(error)),
    }),
  );
  if (!draft) return null;
  return (
    <section
      className="flex flex-wrap items-center gap-3 border-b-2 border-dashed border-amber-400 bg-amber-50 px-4 py-2 text-sm text-amber-950"
      data-testid="draft-banner"
      aria-label="Draft from goal"
    >
      <span className="font-semibold">Draft from goal</span>
      <span className="min-w-0 flex-1 truncate" title={draft.goal}>
        “{draft.goal}” — proposed by {draft.model}. Edit it with the editor's tools;{" "}
        {draft.into === null ? "it runs once approved." : `approving adds its tasks to ${draft.into}.`}
      </span>
      <Button size="sm" busy={discard.isPending} onClick={() => discard.mutate({ slug: planSlug })}>
        Discard
      </Button>
      <Button
        size="sm"
        variant="primary"
        busy={approve.isPending}
        onClick={() => approve.mutate({ slug: planSlug })}
      >
        Approve
      </Button>
    </section>
  );
}
