"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc/react.tsx";
import { usePlanVersion } from "../editor/plan-version.ts";
import { useInvalidateContext } from "./use-context-preview.ts";

/**
 * Mutations of a plan's documents and notes. Each is a plan edit like any other (a new version, refused
 * with CONFLICT when started from a version the plan has left); after one, the plan and every context
 * preview are read again, since bundles are built from them.
 */
export function usePlanContextEdits(planSlug: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const version = usePlanVersion(planSlug);
  const invalidateContext = useInvalidateContext();
  const onSuccess = async (saved: { version: number }) => {
    version.saved(saved);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.plans.get.queryKey({ slug: planSlug }) }),
      invalidateContext(),
    ]);
  };
  const setDocument = useMutation(trpc.context.documents.set.mutationOptions({ onSuccess }));
  const deleteDocument = useMutation(trpc.context.documents.delete.mutationOptions({ onSuccess }));
  const setNote = useMutation(trpc.context.notes.set.mutationOptions({ onSuccess }));
  const deleteNote = useMutation(trpc.context.notes.delete.mutationOptions({ onSuccess }));
  return {
    setDocument,
    setNote,
    /** Removals start from the version this tab shows now, after this tab's earlier edits. */
    removeDocument: (key: string) =>
      version.edit((baseVersion) => deleteDocument.mutateAsync({ planSlug, key, baseVersion })),
    removeNote: (key: string) =>
      version.edit((baseVersion) => deleteNote.mutateAsync({ planSlug, key, baseVersion })),
    removeError: deleteDocument.error ?? deleteNote.error,
  };
}
