"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Field, Select } from "../../components/ui/field.tsx";
import { Spinner } from "../../components/ui/spinner.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { formatAbsolute } from "../../components/ui/time.tsx";
import { compareChoices, shortHash } from "../../snapshots/snapshot-labels.ts";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { SnapshotChangesView } from "./snapshot-diff-view.tsx";

/**
 * Diff of one attempt's snapshot against another: an earlier attempt of the same run, or the same task in
 * another run of the plan (picked from a list; the run before this one by default).
 */
export function SnapshotCompare({
  runId,
  taskKey,
  attempt,
  attempts,
}: {
  runId: string;
  taskKey: string;
  attempt: number;
  /** The attempts of this task in this run that stored a snapshot. */
  attempts: readonly number[];
}) {
  const trpc = useTRPC();
  const runs = useQuery(trpc.snapshots.runs.queryOptions({ runId, taskKey }));
  const { choices, defaultId } = compareChoices(
    { runId, attempt },
    attempts,
    runs.data ?? [],
    formatAbsolute,
  );
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = choices.find((choice) => choice.id === (picked ?? defaultId));
  const diff = useQuery({
    ...trpc.snapshots.diff.queryOptions({
      a: { runId: chosen?.runId ?? runId, taskKey, attempt: chosen?.attempt ?? attempt },
      b: { runId, taskKey, attempt },
    }),
    enabled: chosen !== undefined,
  });

  if (runs.isPending) return <Spinner label="Loading the runs to compare with" />;
  if (runs.isError) return <Callout title="Could not list the runs">{errorMessage(runs.error)}</Callout>;
  if (choices.length === 0) {
    return (
      <p className="text-xs text-slate-500" data-testid="snapshot-compare-empty">
        Nothing to compare with yet: this is the task's only attempt with a snapshot in any run of the plan.
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-3" data-testid="snapshot-compare">
      <Field label="Compare with">
        {(control) => (
          <Select {...control} value={chosen?.id ?? ""} onChange={(event) => setPicked(event.target.value)}>
            {choices.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {diff.isPending && <Spinner label="Comparing" />}
      {diff.isError && <Callout title="Could not compare">{errorMessage(diff.error)}</Callout>}
      {diff.data && (
        <>
          <p className="text-[11px] text-slate-500">
            From <code className="font-mono">{shortHash(diff.data.a.hash)}</code> ({chosen?.label}) to{" "}
            <code className="font-mono">{shortHash(diff.data.b.hash)}</code> (attempt {attempt} of this run)
          </p>
          <SnapshotChangesView diff={diff.data} />
        </>
      )}
    </div>
  );
}
