"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "../../trpc/react.tsx";

/**
 * The version each plan's last edit from this tab produced. Kept beside the query cache, not in it: a
 * cached plan whose version moved without its content would show the old content as the new version.
 */
const savedVersions = new Map<string, number>();
/** Each plan's last instant edit in flight from this tab, whichever component made it. */
const editQueues = new Map<string, Promise<unknown>>();

/**
 * Which plan version an edit starts from. Every edit sends it (`baseVersion`); the server refuses an edit
 * on a version the plan has left, so two tabs cannot silently overwrite each other.
 */
export function usePlanVersion(planSlug: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const queryKey = trpc.plans.get.queryKey({ slug: planSlug });
    // The newer of what the cache shows and what this tab's last edit produced (the refetch may lag).
    const current = (): number =>
      Math.max(queryClient.getQueryData(queryKey)?.version ?? 1, savedVersions.get(planSlug) ?? 0);
    const saved = ({ version }: { version: number }): void => {
      savedVersions.set(planSlug, Math.max(version, savedVersions.get(planSlug) ?? 0));
    };
    return {
      /** The version this tab shows now (what an instant edit such as a link drag starts from). */
      current,
      /** Records the version an edit of this tab produced, so the next edit starts from it at once. */
      saved,
      /**
       * Runs an instant edit (a link drawn, switched or deleted) after this tab's earlier ones, from the
       * version they left: quick successive edits of one person are not conflicts with each other.
       */
      edit<T extends { version: number }>(run: (baseVersion: number) => Promise<T>): Promise<T> {
        const next = (editQueues.get(planSlug) ?? Promise.resolve()).then(
          () => run(current()),
          () => run(current()),
        );
        editQueues.set(
          planSlug,
          next.then(saved, () => undefined),
        );
        return next;
      },
    };
  }, [trpc, queryClient, planSlug]);
}
