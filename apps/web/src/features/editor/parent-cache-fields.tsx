"use client";

import { Field, Input, Select } from "../../components/ui/field.tsx";
import type { TaskDraft, TaskField } from "../../task-form/task-draft.ts";

interface ParentCacheFieldsProps {
  draft: TaskDraft;
  /** The tasks this one may be put under (the plan's other tasks). */
  otherKeys: readonly string[];
  change: <K extends keyof TaskDraft>(field: K, value: TaskDraft[K]) => void;
  issuesOf: (field: TaskField) => string[] | undefined;
  bind: (field: TaskField) => { onBlur: () => void; invalid: boolean };
}

/**
 * Every kind's `parent` (the bigger task this one is drawn under) and `cache: { key, ttl }` (the output
 * cache), validated with the plan-file rules like the rest of the form.
 */
export function ParentCacheFields({ draft, otherKeys, change, issuesOf, bind }: ParentCacheFieldsProps) {
  // A parent that is not among the other tasks (being renamed, deleted meanwhile) stays selectable as it is.
  const options =
    draft.parent !== "" && !otherKeys.includes(draft.parent) ? [draft.parent, ...otherKeys] : otherKeys;
  return (
    <>
      <Field
        label="Parent"
        errors={issuesOf("parent")}
        hint="Draws this task inside a bigger one (a group); does not order execution"
      >
        {(control) => (
          <Select
            {...control}
            {...bind("parent")}
            value={draft.parent}
            onChange={(event) => change("parent", event.target.value)}
          >
            <option value="">None</option>
            {options.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <fieldset className="grid grid-cols-[minmax(0,1fr)_7rem] gap-3">
        <legend className="mb-1 text-xs font-medium text-slate-700">Output cache</legend>
        <Field
          label="Cache key"
          errors={issuesOf("cacheKey")}
          hint="A template; a success stored under the same key is reused. E.g. report:{{params.day}}"
        >
          {(control) => (
            <Input
              {...control}
              {...bind("cacheKey")}
              value={draft.cacheKey}
              placeholder="none"
              className="font-mono"
              spellCheck={false}
              autoComplete="off"
              onChange={(event) => change("cacheKey", event.target.value)}
            />
          )}
        </Field>
        <Field label="Cache TTL" errors={issuesOf("cacheTtl")} hint="How long, e.g. 1d">
          {(control) => (
            <Input
              {...control}
              {...bind("cacheTtl")}
              value={draft.cacheTtl}
              placeholder="1d"
              autoComplete="off"
              onChange={(event) => change("cacheTtl", event.target.value)}
            />
          )}
        </Field>
      </fieldset>
    </>
  );
}
