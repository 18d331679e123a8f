"use client";

import { Field, Input, Select, Textarea } from "../../components/ui/field.tsx";
import {
  INCLUDE_SOURCES,
  type IncludeSource,
  SUMMARIZE_MODES,
  type SummarizeMode,
  type TaskDraft,
  type TaskField,
} from "../../task-form/task-draft.ts";

const INCLUDE_LABELS: Record<IncludeSource, string> = {
  siblings: "Plan siblings",
  notes: "Notes",
  retrieval: "Retrieval",
};

const SUMMARIZE_LABELS: Record<SummarizeMode, string> = {
  extractive: "Extractive (query-focused)",
  llm: "By the model",
  off: "Off (trim)",
};

interface LlmFieldsProps {
  draft: TaskDraft;
  change: <K extends keyof TaskDraft>(field: K, value: TaskDraft[K]) => void;
  issuesOf: (field: TaskField) => string[] | undefined;
  bind: (field: TaskField) => { onBlur: () => void; invalid: boolean };
}

/** The fields of `kind: llm`: prompt, system, model settings, the context policy, pins and excludes. */
export function LlmFields({ draft, change, issuesOf, bind }: LlmFieldsProps) {
  return (
    <>
      <Field label="Prompt" errors={issuesOf("prompt")} hint="Templates: {{params.x}}, {{tasks.key.output}}">
        {(control) => (
          <Textarea
            {...control}
            {...bind("prompt")}
            rows={4}
            value={draft.prompt}
            onChange={(event) => change("prompt", event.target.value)}
            placeholder="Write a one-page brief on {{params.topic}} for the audience in the notes."
          />
        )}
      </Field>
      <Field
        label="System message"
        errors={issuesOf("system")}
        hint="Optional; default: the context engine's"
      >
        {(control) => (
          <Textarea
            {...control}
            {...bind("system")}
            rows={2}
            value={draft.system}
            onChange={(event) => change("system", event.target.value)}
          />
        )}
      </Field>
      <div className="grid grid-cols-3 gap-3">
        <Field label="Model" errors={issuesOf("model")}>
          {(control) => (
            <Input
              {...control}
              {...bind("model")}
              value={draft.model}
              placeholder="engine's"
              onChange={(event) => change("model", event.target.value)}
              className="font-mono"
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Temperature" errors={issuesOf("temperature")}>
          {(control) => (
            <Input
              {...control}
              {...bind("temperature")}
              inputMode="decimal"
              value={draft.temperature}
              placeholder="server's"
              onChange={(event) => change("temperature", event.target.value)}
            />
          )}
        </Field>
        <Field label="Max tokens" errors={issuesOf("maxTokens")}>
          {(control) => (
            <Input
              {...control}
              {...bind("maxTokens")}
              inputMode="numeric"
              value={draft.maxTokens}
              placeholder="1024 kept"
              onChange={(event) => change("maxTokens", event.target.value)}
            />
          )}
        </Field>
      </div>

      <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-xs font-medium text-slate-700">Context</legend>
        <div className="grid grid-cols-3 gap-3">
          <Field label="Budget (tokens)" errors={issuesOf("context")}>
            {(control) => (
              <Input
                {...control}
                {...bind("context")}
                inputMode="numeric"
                value={draft.contextBudget}
                placeholder="window − prompt"
                onChange={(event) => change("contextBudget", event.target.value)}
              />
            )}
          </Field>
          <Field label="Retrieval hits (k)">
            {(control) => (
              <Input
                {...control}
                {...bind("context")}
                inputMode="numeric"
                value={draft.contextK}
                placeholder="5"
                onChange={(event) => change("contextK", event.target.value)}
              />
            )}
          </Field>
          <Field label="Summaries">
            {(control) => (
              <Select
                {...control}
                value={draft.summarize}
                onChange={(event) => {
                  const mode = SUMMARIZE_MODES.find((m) => m === event.target.value);
                  if (mode) change("summarize", mode);
                }}
              >
                {SUMMARIZE_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {SUMMARIZE_LABELS[mode]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600">
          <span className="font-medium text-slate-700">Include</span>
          {INCLUDE_SOURCES.map((source) => (
            <label key={source} className="flex items-center gap-1.5">
              <input
                type="checkbox"
                checked={draft.include[source]}
                onChange={(event) => change("include", { ...draft.include, [source]: event.target.checked })}
                className="rounded border-slate-300"
              />
              {INCLUDE_LABELS[source]}
            </label>
          ))}
        </div>
        <div className="grid grid-cols-2 gap-3">
          <Field
            label="Pin (one ref a line)"
            errors={issuesOf("pin")}
            hint="index, task:key, doc:key, note:key"
          >
            {(control) => (
              <Textarea
                {...control}
                {...bind("pin")}
                rows={2}
                value={draft.pin}
                onChange={(event) => change("pin", event.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
          <Field label="Exclude (one ref a line)" errors={issuesOf("exclude")}>
            {(control) => (
              <Textarea
                {...control}
                {...bind("exclude")}
                rows={2}
                value={draft.exclude}
                onChange={(event) => change("exclude", event.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
        </div>
      </fieldset>
    </>
  );
}
