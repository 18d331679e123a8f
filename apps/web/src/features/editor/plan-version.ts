"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useRef } from "react";
import { useTRPC } from "../../trpc/react.tsx";

/**
 * Which plan version an edit starts from. Every edit sends it (`baseVersion`); the server refuses an edit
 * on a version the plan has left, so two tabs cannot silently overwrite each other.
 */
export function usePlanVersion(planSlug: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  return useMemo(() => {
    const queryKey = trpc.plans.get.queryKey({ slug: planSlug });
    const current = (): number => queryClient.getQueryData(queryKey)?.version ?? 1;
    const saved = ({ version }: { version: number }): void => {
      queryClient.setQueryData(queryKey, (cached) =>
        cached !== undefined && cached.version < version ? { ...cached, version } : cached,
      );
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
        const next = queue.current.then(
          () => run(current()),
          () => run(current()),
        );
        queue.current = next.then(saved, () => undefined);
        return next;
      },
    };
  }, [trpc, queryClient, planSlug]);
}
