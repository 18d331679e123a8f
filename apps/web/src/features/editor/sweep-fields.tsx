"use client";

import { Field, Input, Select, Textarea } from "../../components/ui/field.tsx";
import { IssueList } from "../../components/ui/issue-list.tsx";
import { SWEEP_SOURCES, type SweepDraft, type SweepSource } from "../../task-form/sweep-draft.ts";
import type { TaskDraft, TaskField } from "../../task-form/task-draft.ts";
import { KeyValueEditor } from "./key-value-editor.tsx";

interface SweepFieldsProps {
  draft: TaskDraft;
  change: <K extends keyof TaskDraft>(field: K, value: TaskDraft[K]) => void;
  issuesOf: (field: TaskField) => string[] | undefined;
  bind: (field: TaskField) => { onBlur: () => void; invalid: boolean };
  touch: (field: TaskField) => void;
}

const SOURCE_LABELS: Record<SweepSource, string> = {
  none: "Not swept",
  matrix: "Matrix: every combination of lists",
  items: "Items: a list of params",
  itemsFrom: "Items from an upstream's JSON array",
};

/**
 * A task's `sweep:` (one task run per point): where the points come from, `maxParallel` and `need`,
 * validated with the plan-file rules like the rest of the form.
 */
export function SweepFields({ draft, change, issuesOf, bind, touch }: SweepFieldsProps) {
  const { sweep } = draft;
  const set = <K extends keyof SweepDraft>(field: K, value: SweepDraft[K]) =>
    change("sweep", { ...sweep, [field]: value });
  // An upstream that is not required (any more) stays selectable, so the plan rules can say why it is wrong.
  const upstreams =
    sweep.itemsFrom !== "" && !draft.requires.includes(sweep.itemsFrom)
      ? [sweep.itemsFrom, ...draft.requires]
      : draft.requires;
  return (
    <fieldset className="flex flex-col gap-3" aria-label="Parameter sweep">
      <legend className="mb-1 text-xs font-medium text-slate-700">Parameter sweep</legend>
      <Field
        label="Sweep"
        errors={issuesOf("sweep")}
        hint="Runs the task once per point, with the point's params in {{params.NAME}}"
      >
        {(control) => (
          <Select
            {...control}
            {...bind("sweep")}
            value={sweep.source}
            onChange={(event) => set("source", event.target.value as SweepSource)}
          >
            {SWEEP_SOURCES.map((source) => (
              <option key={source} value={source}>
                {SOURCE_LABELS[source]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {sweep.source === "matrix" && (
        <>
          <KeyValueEditor
            label="Matrix lists"
            rows={sweep.matrix}
            onChange={(rows) => {
              set("matrix", rows);
              touch("sweepMatrix");
            }}
            namePlaceholder="param"
            valuePlaceholder="0.1, 0.01 or [0.1, 0.01]"
            invalid={(issuesOf("sweepMatrix")?.length ?? 0) > 0}
          />
          <IssueList issues={issuesOf("sweepMatrix")} className="-mt-2" />
        </>
      )}
      {sweep.source === "items" && (
        <Field
          label="Items"
          errors={issuesOf("sweepItems")}
          hint="A JSON list: one mapping of params per point"
        >
          {(control) => (
            <Textarea
              {...control}
              {...bind("sweepItems")}
              rows={4}
              value={sweep.items}
              placeholder={'[\n  {"host": "a"},\n  {"host": "b"}\n]'}
              onChange={(event) => set("items", event.target.value)}
              className="font-mono"
              spellCheck={false}
            />
          )}
        </Field>
      )}
      {sweep.source === "itemsFrom" && (
        <Field
          label="Items from"
          errors={issuesOf("sweepItemsFrom")}
          hint="A required upstream; one point per element of its JSON array output"
        >
          {(control) => (
            <Select
              {...control}
              {...bind("sweepItemsFrom")}
              value={sweep.itemsFrom}
              onChange={(event) => set("itemsFrom", event.target.value)}
            >
              <option value="">Choose an upstream</option>
              {upstreams.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </Select>
          )}
        </Field>
      )}
      {sweep.source !== "none" && (
        <div className="grid grid-cols-2 gap-3">
          <Field
            label="Max parallel"
            errors={issuesOf("sweepMaxParallel")}
            hint="Points running at once in a run"
          >
            {(control) => (
              <Input
                {...control}
                {...bind("sweepMaxParallel")}
                inputMode="numeric"
                value={sweep.maxParallel}
                placeholder="no limit"
                onChange={(event) => set("maxParallel", event.target.value)}
              />
            )}
          </Field>
          <Field label="Dependents wait for" errors={issuesOf("sweepNeed")}>
            {(control) => (
              <Select
                {...control}
                value={sweep.need}
                onChange={(event) => set("need", event.target.value === "any" ? "any" : "all")}
              >
                <option value="all">All points</option>
                <option value="any">The first point that succeeds</option>
              </Select>
            )}
          </Field>
        </div>
      )}
    </fieldset>
  );
}
