"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

const plural = (count: number) => `${count} task run${count === 1 ? "" : "s"}`;

/** Queue admin mutations, each refreshing the queue list and the peek, and saying what it did. */
export function useQueueActions(onDone: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.queues.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.queues.peek.pathKey() });
  };
  const failed = (what: string) => (error: unknown) => toast.error(`Could not ${what}`, errorMessage(error));
  const move = useMutation(
    trpc.queues.move.mutationOptions({
      onSuccess: ({ moved }, { toQueue }) => {
        refresh();
        onDone();
        toast.success(`Moved ${plural(moved.length)} to ${toQueue}`);
      },
      onError: failed("move the task runs"),
    }),
  );
  const reschedule = useMutation(
    trpc.queues.reschedule.mutationOptions({
      onSuccess: ({ rescheduled }) => {
        refresh();
        onDone();
        toast.success(`Rescheduled ${plural(rescheduled.length)}`);
      },
      onError: failed("reschedule the task runs"),
    }),
  );
  const cancel = useMutation(
    trpc.queues.cancel.mutationOptions({
      onSuccess: ({ cancelled }) => {
        refresh();
        onDone();
        toast.success(`Cancelled ${plural(cancelled.length)}`);
      },
      onError: failed("cancel the task runs"),
    }),
  );
  const pause = useMutation(
    trpc.queues.pause.mutationOptions({ onSuccess: refresh, onError: failed("pause the queue") }),
  );
  const resume = useMutation(
    trpc.queues.resume.mutationOptions({ onSuccess: refresh, onError: failed("resume the queue") }),
  );
  return { move, reschedule, cancel, pause, resume };
}
