"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTRPC } from "../../trpc/react.tsx";
import { type ContextState, groupByTier } from "./context-view.ts";

/**
 * The Context tab's reads. One query per task (the engine builds the bundle once), and narrow selectors
 * over it, so the meter re-renders on token changes only and the groups on item changes only.
 */
function usePreviewQuery<T>(planSlug: string, taskKey: string, select: (state: ContextState) => T) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.context.preview.queryOptions({ planSlug, taskKey }), select });
}

const selectSummary = (state: ContextState) => ({
  hash: state.hash,
  budget: state.budget,
  usedTokens: state.usedTokens,
  promptTokens: state.promptTokens,
  approval: state.approval,
});
const selectGroups = (state: ContextState) => groupByTier(state.items);
const selectSteering = (state: ContextState) => ({ overrides: state.overrides, planFile: state.planFile });
const selectPrompt = (state: ContextState) => state.prompt;
const selectItems = (state: ContextState) => state.items;

export const useContextSummary = (planSlug: string, taskKey: string) =>
  usePreviewQuery(planSlug, taskKey, selectSummary);
export const useContextGroups = (planSlug: string, taskKey: string) =>
  usePreviewQuery(planSlug, taskKey, selectGroups);
export const useContextSteering = (planSlug: string, taskKey: string) =>
  usePreviewQuery(planSlug, taskKey, selectSteering);
export const useContextPrompt = (planSlug: string, taskKey: string) =>
  usePreviewQuery(planSlug, taskKey, selectPrompt);
export const useContextItems = (planSlug: string, taskKey: string) =>
  usePreviewQuery(planSlug, taskKey, selectItems);

/** Refetches every context query (previews and searches): after a change of what a bundle is built from. */
export function useInvalidateContext() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () => queryClient.invalidateQueries({ queryKey: trpc.context.pathKey() }),
    [queryClient, trpc],
  );
}

/**
 * Pin, exclude, unpin, approve and clear for one task. Each waits for the preview to be built again before
 * it resolves, so the tab shows the new decisions as soon as the button stops spinning.
 */
export function useContextActions(planSlug: string, taskKey: string) {
  const trpc = useTRPC();
  const invalidate = useInvalidateContext();
  const options = { onSuccess: () => invalidate() };
  const pin = useMutation(trpc.context.pin.mutationOptions(options));
  const exclude = useMutation(trpc.context.exclude.mutationOptions(options));
  const unpin = useMutation(trpc.context.unpin.mutationOptions(options));
  const approve = useMutation(trpc.context.approve.mutationOptions(options));
  const clear = useMutation(trpc.context.clear.mutationOptions(options));
  const task = { planSlug, taskKey };
  const error = pin.error ?? exclude.error ?? unpin.error ?? approve.error ?? clear.error;
  return {
    pin: (ref: string) => pin.mutateAsync({ ...task, ref }),
    exclude: (ref: string) => exclude.mutateAsync({ ...task, ref }),
    unpin: (ref: string) => unpin.mutateAsync({ ...task, ref }),
    approve: () => approve.mutateAsync(task),
    clear: () => clear.mutateAsync(task),
    /** The ref whose button is working, to show a spinner on that row only. */
    busyRef:
      (pin.isPending ? pin.variables?.ref : undefined) ??
      (exclude.isPending ? exclude.variables?.ref : undefined) ??
      (unpin.isPending ? unpin.variables?.ref : undefined),
    approving: approve.isPending,
    clearing: clear.isPending,
    error,
  };
}
