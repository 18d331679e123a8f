"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

/** Pause, resume, trigger and remove, each refreshing the schedule lists (and the run lists, for a trigger). */
export function useScheduleActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.schedules.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.schedules.byPlan.queryKey() });
  };
  const failed = (what: string) => (error: unknown) =>
    toast.error(`Could not ${what} the schedule`, errorMessage(error));
  const pause = useMutation(
    trpc.schedules.pause.mutationOptions({ onSuccess: refresh, onError: failed("pause") }),
  );
  const resume = useMutation(
    trpc.schedules.resume.mutationOptions({ onSuccess: refresh, onError: failed("resume") }),
  );
  const trigger = useMutation(
    trpc.schedules.trigger.mutationOptions({
      onSuccess: ({ runId }) => {
        refresh();
        void queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() });
        toast.success("Run started", runId);
      },
      onError: failed("trigger"),
    }),
  );
  const remove = useMutation(
    trpc.schedules.remove.mutationOptions({
      onSuccess: () => {
        refresh();
        toast.success("Schedule removed");
      },
      onError: failed("remove"),
    }),
  );
  return { pause, resume, trigger, remove };
}
