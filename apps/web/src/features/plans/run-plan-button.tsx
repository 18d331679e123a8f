"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Button, type ButtonSize, type ButtonVariant } from "../../components/ui/button.tsx";
import { PlayIcon } from "../../components/ui/icons.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

/** Starts a run of the plan with its default params and opens the run monitor. */
export function RunPlanButton({
  planSlug,
  planName,
  disabled,
  variant = "primary",
  size = "sm",
  params,
  onStarted,
}: {
  planSlug: string;
  planName: string;
  disabled?: boolean;
  variant?: ButtonVariant;
  size?: ButtonSize;
  params?: Record<string, string>;
  onStarted?: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const start = useMutation(
    trpc.runs.start.mutationOptions({
      onSuccess: ({ runId }) => {
        void queryClient.invalidateQueries({ queryKey: trpc.plans.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() });
        onStarted?.();
        router.push(`/runs/${runId}`);
      },
      onError: (error) => toast.error(`Could not start ${planName}`, errorMessage(error)),
    }),
  );
  return (
    <Button
      variant={variant}
      size={size}
      icon={<PlayIcon size={size === "sm" ? 12 : 14} />}
      busy={start.isPending}
      disabled={disabled}
      aria-label={`Run ${planName}`}
      onClick={() => start.mutate({ planSlug, ...(params ? { params } : {}) })}
    >
      Run
    </Button>
  );
}
