"use client";

import { useMutation } from "@tanstack/react-query";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { usePlanVersion } from "./plan-version.ts";

/** Confirms deleting tasks; their links go with them (the server removes them in the same edit). */
export function DeleteTasksDialog({
  planSlug,
  keys,
  linkCount,
  onClose,
  onDeleted,
}: {
  planSlug: string;
  keys: readonly string[];
  linkCount: number;
  onClose: () => void;
  onDeleted: () => void | Promise<void>;
}) {
  const trpc = useTRPC();
  const remove = useMutation(trpc.tasks.delete.mutationOptions());
  const version = usePlanVersion(planSlug);
  const open = keys.length > 0;

  async function confirm() {
    try {
      for (const key of keys) {
        await version.edit((baseVersion) => remove.mutateAsync({ planSlug, key, baseVersion }));
      }
      await onDeleted();
      onClose();
    } catch {
      // The error shows in the dialog; what was deleted before it stays deleted.
    }
  }

  const what = keys.length === 1 ? `task ${keys[0]}` : `${keys.length} tasks`;
  return (
    <Dialog
      open={open}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      size="sm"
      title={`Delete ${what}?`}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" busy={remove.isPending} onClick={() => void confirm()} data-autofocus>
            Delete
          </Button>
        </>
      }
    >
      <p className="text-sm text-slate-600">
        {linkCount > 0 ? `Its ${linkCount} link${linkCount === 1 ? "" : "s"} will be removed too. ` : ""}Past
        runs keep their copy of the plan; the next run will not have{" "}
        {keys.length === 1 ? "this task" : "these tasks"}.
      </p>
      {remove.error && (
        <Callout className="mt-3" title="Not deleted">
          {errorMessage(remove.error)}
        </Callout>
      )}
    </Dialog>
  );
}
