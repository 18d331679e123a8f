"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { RetryIcon } from "../../components/ui/icons.tsx";
import { LoadingState } from "../../components/ui/states.tsx";
import { Tabs } from "../../components/ui/tabs.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { shortHash } from "../../snapshots/snapshot-labels.ts";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { SnapshotCompare } from "./snapshot-compare.tsx";
import { SnapshotBundleView } from "./snapshot-view.tsx";

type Tab = "snapshot" | "compare";
const TABS = [
  { id: "snapshot", label: "Snapshot" },
  { id: "compare", label: "Diff" },
] as const;

/**
 * One attempt's context snapshot: the bundle and prompt as the model saw them, a diff against another
 * attempt or run, and a replay that runs the task alone again (the rest reused), sending exactly this snapshot.
 */
export function SnapshotDialog({
  runId,
  taskKey,
  attempt,
  attempts,
  initialTab = "snapshot",
  onClose,
}: {
  runId: string;
  taskKey: string;
  attempt: number;
  attempts: readonly number[];
  /** Default `snapshot`. */
  initialTab?: Tab;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [tab, setTab] = useState<Tab>(initialTab);
  const view = useQuery(trpc.snapshots.attempt.queryOptions({ runId, taskKey, attempt }));
  const replay = useMutation(
    trpc.snapshots.replay.mutationOptions({
      onSuccess: (started) => {
        toast.success(
          `Replaying ${taskKey}`,
          `A new run runs ${taskKey} alone, with snapshot ${shortHash(started.hash)} exactly.`,
        );
        onClose();
        router.push(`/runs/${started.runId}`);
      },
      onError: (error) => toast.error(`Could not replay ${taskKey}`, errorMessage(error)),
    }),
  );

  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      title={
        <>
          Context of <span className="font-mono">{taskKey}</span>, attempt {attempt}
        </>
      }
      description={view.data ? `Snapshot ${shortHash(view.data.snapshot.hash)}` : undefined}
      footer={
        <Button
          icon={<RetryIcon size={12} />}
          busy={replay.isPending}
          disabled={!view.data}
          onClick={() => replay.mutate({ runId, taskKey, attempt })}
          title="Runs the plan again; this task sends exactly this stored bundle and prompt, whatever the inputs are now"
        >
          Replay with this snapshot
        </Button>
      }
    >
      <div data-testid="snapshot-dialog">
        <Tabs items={TABS} selected={tab} onSelect={setTab} label="Snapshot views" panelClassName="pt-3">
          {tab === "snapshot" ? (
            view.isPending ? (
              <LoadingState label="Loading the snapshot…" />
            ) : view.isError ? (
              <p role="alert" className="text-sm text-rose-700">
                {errorMessage(view.error)}
              </p>
            ) : (
              <SnapshotBundleView snapshot={view.data.snapshot} />
            )
          ) : (
            <SnapshotCompare runId={runId} taskKey={taskKey} attempt={attempt} attempts={attempts} />
          )}
        </Tabs>
      </div>
    </Dialog>
  );
}
