"use client";

import { useMutation } from "@tanstack/react-query";
import { type ParamValue, TASK_KINDS, type TaskKind } from "@taskloom/core";
import { type FormEvent, useMemo, useState } from "react";
import { KindIcon } from "../../components/status/kind-icon.tsx";
import { kindStyle } from "../../components/status/status-style.ts";
import { Button } from "../../components/ui/button.tsx";
import { cx } from "../../components/ui/class-names.ts";
import { Field, Input, Select, Textarea } from "../../components/ui/field.tsx";
import { TrashIcon } from "../../components/ui/icons.tsx";
import { IssueList } from "../../components/ui/issue-list.tsx";
import { Callout } from "../../components/ui/states.tsx";
import {
  type FieldIssues,
  HTTP_METHODS,
  type HttpMethod,
  issuesFromServer,
  type TaskDraft,
  type TaskField,
  validateDraft,
} from "../../task-form/task-draft.ts";
import { errorMessage, planIssuesOf } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { ApprovalFields } from "./approval-fields.tsx";
import { FunctionFields } from "./function-fields.tsx";
import { KeyValueEditor } from "./key-value-editor.tsx";
import { LlmFields } from "./llm-fields.tsx";
import { ParentCacheFields } from "./parent-cache-fields.tsx";
import { usePlanVersion } from "./plan-version.ts";
import { SweepFields } from "./sweep-fields.tsx";
import { TaskLinksField } from "./task-links-field.tsx";
import { useEditBase } from "./use-edit-base.ts";

const KIND_HINTS: Record<TaskKind, string> = {
  shell: "Runs a command in its own process group",
  http: "Calls a URL; non-2xx fails the attempt",
  noop: "Succeeds at once with a fixed result",
  llm: "Asks a language model, with a context bundle drawn from the plan within a token budget",
  function: "Calls a TypeScript handler that a worker registered (taskloom worker --register)",
  approval: "Waits for a person to approve or reject, optionally with a typed input form",
};

const LINK_FIELDS = [
  { field: "requires", label: "Requires", hint: "Run after these succeed" },
  { field: "refers", label: "Refers", hint: "Their outputs as context only" },
  { field: "duplicates", label: "Duplicates", hint: "Its output repeats theirs (context only)" },
  { field: "relatesTo", label: "Relates to", hint: "Related, read like refers (context only)" },
] as const;

interface TaskFormProps {
  planSlug: string;
  planParams: Record<string, ParamValue>;
  /** Keys of the plan's other tasks. */
  otherKeys: readonly string[];
  /** Keys of the plan's documents, for an llm task's `doc:` pins. Default none. */
  documentKeys?: readonly string[];
  /** The plan's tasks' parents (`{ child: parent }`), to find a parent loop as it is typed. Default none. */
  parentsOf?: Readonly<Record<string, string>>;
  initial: TaskDraft;
  /** The plan version `initial` comes from. */
  planVersion: number;
  /** Set when editing a stored task: its key before any rename. */
  originalKey?: string;
  onSaved: (key: string, created: boolean) => void | Promise<void>;
  /** Where a new task goes on the canvas; saved with the task so it never appears anywhere else first. */
  placeNewTask?: (requires: readonly string[]) => { x: number; y: number };
  onCancel?: () => void;
  onDelete?: () => void;
}

/**
 * A task's fields, validated as they are typed with the plan-file rules (the same function the server and
 * `taskloom validate` use), with each issue shown next to its field. The server validates again on save.
 */
export function TaskForm({
  planSlug,
  planParams,
  otherKeys,
  documentKeys,
  parentsOf,
  initial,
  planVersion,
  originalKey,
  onSaved,
  placeNewTask,
  onCancel,
  onDelete,
}: TaskFormProps) {
  const trpc = useTRPC();
  const edit = useEditBase(initial, planVersion);
  const { value: draft, setValue: setDraft, baseVersion } = edit;
  const [touched, setTouched] = useState<ReadonlySet<TaskField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssues>({});
  const creating = originalKey === undefined;
  // Open when the task has advanced settings, then as the person leaves it: clearing its last field must not
  // fold the section away under the cursor.
  const [advancedOpen, setAdvancedOpen] = useState(() => hasAdvanced(initial));

  const context = useMemo(
    () => ({
      planSlug,
      params: planParams,
      otherKeys,
      ...(documentKeys ? { documentKeys } : {}),
      ...(parentsOf ? { parentsOf } : {}),
    }),
    [planSlug, planParams, otherKeys, documentKeys, parentsOf],
  );
  const validation = useMemo(() => validateDraft(draft, context), [draft, context]);

  const upsert = useMutation(trpc.tasks.upsert.mutationOptions());
  const version = usePlanVersion(planSlug);

  function change<K extends keyof TaskDraft>(field: K, value: TaskDraft[K]) {
    setDraft((current) => ({ ...current, [field]: value }));
    setServerIssues({});
    upsert.reset();
  }
  const touch = (field: TaskField) =>
    setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));

  /** Issues of a field, once the person has been there (or tried to save). */
  function issuesOf(field: TaskField): string[] | undefined {
    const server = serverIssues[field];
    if (server && server.length > 0) return server;
    if (!submitted && !touched.has(field)) return undefined;
    return validation.issues[field];
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!validation.ok) return;
    const key = draft.key.trim();
    try {
      const saved = await upsert.mutateAsync({
        planSlug,
        key,
        ...(originalKey !== undefined ? { originalKey } : {}),
        ...(creating && placeNewTask ? { position: placeNewTask(draft.requires) } : {}),
        task: validation.task,
        baseVersion,
      });
      version.saved(saved);
      edit.saved(saved.version);
      await onSaved(key, creating);
    } catch (error) {
      const planIssues = planIssuesOf(error);
      if (planIssues) setServerIssues(issuesFromServer(planIssues, key));
    }
  }

  const generalIssues = [...(issuesOf("general") ?? []), ...(issuesOf("links") ?? [])];
  const bind = (field: TaskField) => ({
    onBlur: () => touch(field),
    invalid: (issuesOf(field)?.length ?? 0) > 0,
  });

  return (
    <form
      onSubmit={submit}
      noValidate
      className="flex flex-1 flex-col gap-4"
      aria-label={creating ? "New task" : `Task ${originalKey}`}
    >
      <fieldset>
        <legend className="mb-1.5 text-xs font-medium text-slate-700">Kind</legend>
        <div role="radiogroup" aria-label="Kind" className="grid grid-cols-3 gap-1.5">
          {TASK_KINDS.map((kind) => {
            const active = draft.kind === kind;
            return (
              // biome-ignore lint/a11y/useSemanticElements: a styled card group; role and aria-checked make it a radio group
              <button
                key={kind}
                type="button"
                role="radio"
                aria-checked={active}
                title={KIND_HINTS[kind]}
                onClick={() => change("kind", kind)}
                className={cx(
                  "flex items-center justify-center gap-1.5 rounded-md px-2 py-1.5 text-xs font-medium ring-1 ring-inset",
                  active
                    ? "bg-indigo-50 text-indigo-800 ring-indigo-400"
                    : "bg-white text-slate-600 ring-slate-300 hover:bg-slate-50",
                )}
              >
                <KindIcon kind={kind} size={13} />
                {kindStyle(kind).label}
              </button>
            );
          })}
        </div>
        <p className="mt-1 text-xs text-slate-500">{KIND_HINTS[draft.kind]}</p>
      </fieldset>

      <div className="grid grid-cols-2 gap-3">
        <Field label="Key" errors={issuesOf("key")} hint={creating ? "Unique in the plan" : undefined}>
          {(control) => (
            <Input
              {...control}
              {...bind("key")}
              value={draft.key}
              onChange={(event) => change("key", event.target.value)}
              // A new task starts with its key: the form opens ready to type.
              autoFocus={creating}
              className="font-mono"
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Name" errors={issuesOf("name")}>
          {(control) => (
            <Input
              {...control}
              {...bind("name")}
              value={draft.name}
              placeholder={draft.key || "Display name"}
              onChange={(event) => change("name", event.target.value)}
            />
          )}
        </Field>
      </div>

      <div className="grid grid-cols-2 gap-3">
        {LINK_FIELDS.map(({ field, label, hint }) => (
          <TaskLinksField
            key={field}
            label={label}
            hint={hint}
            options={otherKeys}
            selected={draft[field]}
            onChange={(keys) => change(field, keys)}
          />
        ))}
      </div>

      {draft.kind === "shell" && (
        <>
          <Field
            label={draft.argv ? "Arguments (one per line)" : "Command"}
            errors={issuesOf("run")}
            hint={
              draft.argv
                ? "Run without a shell: the first line is the program."
                : "Runs under sh -c. Templates: {{params.x}}, {{tasks.key.output}}"
            }
          >
            {(control) => (
              <Textarea
                {...control}
                {...bind("run")}
                rows={3}
                value={draft.run}
                onChange={(event) => change("run", event.target.value)}
                placeholder={
                  draft.argv ? "curl\n-s\nhttps://example.com" : "./scripts/fetch.sh {{params.day}}"
                }
                spellCheck={false}
              />
            )}
          </Field>
          <label className="-mt-2 flex items-center gap-2 text-xs text-slate-600">
            <input
              type="checkbox"
              checked={draft.argv}
              onChange={(event) => change("argv", event.target.checked)}
              className="rounded border-slate-300"
            />
            Run without a shell (argv list)
          </label>
          <KeyValueEditor
            label="Environment"
            rows={draft.env}
            onChange={(rows) => {
              change("env", rows);
              touch("env");
            }}
            namePlaceholder="NAME"
            valuePlaceholder="value"
            invalid={(issuesOf("env")?.length ?? 0) > 0}
          />
          {issuesOf("env") && <FieldIssuesList issues={issuesOf("env")} />}
          <Field label="Working directory" errors={issuesOf("cwd")} hint="Relative to the plan file's folder">
            {(control) => (
              <Input
                {...control}
                {...bind("cwd")}
                value={draft.cwd}
                placeholder="."
                onChange={(event) => change("cwd", event.target.value)}
                className="font-mono"
              />
            )}
          </Field>
        </>
      )}

      {draft.kind === "http" && (
        <>
          <div className="grid grid-cols-[6.5rem_1fr] gap-2">
            <Field label="Method" errors={issuesOf("method")}>
              {(control) => (
                <Select
                  {...control}
                  value={draft.method}
                  onChange={(event) => change("method", event.target.value as HttpMethod)}
                >
                  {HTTP_METHODS.map((method) => (
                    <option key={method}>{method}</option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="URL" errors={issuesOf("url")}>
              {(control) => (
                <Input
                  {...control}
                  {...bind("url")}
                  value={draft.url}
                  placeholder="https://example.com/hook"
                  onChange={(event) => change("url", event.target.value)}
                  className="font-mono"
                  spellCheck={false}
                />
              )}
            </Field>
          </div>
          <KeyValueEditor
            label="Headers"
            rows={draft.headers}
            onChange={(rows) => {
              change("headers", rows);
              touch("headers");
            }}
            namePlaceholder="Header"
            valuePlaceholder="value"
            invalid={(issuesOf("headers")?.length ?? 0) > 0}
          />
          {issuesOf("headers") && <FieldIssuesList issues={issuesOf("headers")} />}
          <Field label="Body" errors={issuesOf("body")}>
            {(control) => (
              <Textarea
                {...control}
                {...bind("body")}
                rows={3}
                value={draft.body}
                onChange={(event) => change("body", event.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
        </>
      )}

      {draft.kind === "noop" && (
        <Field
          label="Result"
          errors={issuesOf("result")}
          hint="Optional JSON the task outputs when it succeeds"
        >
          {(control) => (
            <Textarea
              {...control}
              {...bind("result")}
              rows={3}
              value={draft.result}
              placeholder='{"ok": true}'
              onChange={(event) => change("result", event.target.value)}
              spellCheck={false}
            />
          )}
        </Field>
      )}

      {draft.kind === "llm" && <LlmFields draft={draft} change={change} issuesOf={issuesOf} bind={bind} />}
      {draft.kind === "function" && (
        <FunctionFields draft={draft} change={change} issuesOf={issuesOf} bind={bind} />
      )}

      <ParentCacheFields
        draft={draft}
        otherKeys={otherKeys}
        change={change}
        issuesOf={issuesOf}
        bind={bind}
      />

      {/* An approval cannot be swept; one that is (from YAML) shows its sweep, so the plan rules can say why. */}
      {(draft.kind !== "approval" || draft.sweep.source !== "none") && (
        <SweepFields draft={draft} change={change} issuesOf={issuesOf} bind={bind} touch={touch} />
      )}

      {draft.kind === "approval" && (
        <ApprovalFields draft={draft} change={change} issuesOf={issuesOf} bind={bind} />
      )}

      <details
        className="group rounded-md border border-slate-200 bg-slate-50/60 open:bg-white"
        open={advancedOpen}
        onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}
      >
        <summary className="cursor-pointer px-3 py-2 text-xs font-medium text-slate-700 select-none">
          Scheduling, retries and output
        </summary>
        <div className="grid grid-cols-2 gap-3 px-3 pt-1 pb-3">
          <Field label="Priority" errors={issuesOf("priority")}>
            {(control) => (
              <Input
                {...control}
                {...bind("priority")}
                inputMode="numeric"
                value={draft.priority}
                placeholder="0"
                onChange={(event) => change("priority", event.target.value)}
              />
            )}
          </Field>
          <Field label="Queue" errors={issuesOf("queue")}>
            {(control) => (
              <Input
                {...control}
                {...bind("queue")}
                value={draft.queue}
                placeholder="default"
                onChange={(event) => change("queue", event.target.value)}
              />
            )}
          </Field>
          <Field
            label="Concurrency key"
            errors={issuesOf("concurrencyKey")}
            hint="At most the limit of attempts with this key run at once; e.g. deploy:{{params.env}}"
          >
            {(control) => (
              <Input
                {...control}
                {...bind("concurrencyKey")}
                value={draft.exclusive ? "" : draft.concurrencyKey}
                disabled={draft.exclusive}
                placeholder={draft.exclusive ? "this task" : "none"}
                onChange={(event) => change("concurrencyKey", event.target.value)}
              />
            )}
          </Field>
          <Field label="Concurrency limit" errors={issuesOf("concurrencyLimit")}>
            {(control) => (
              <Input
                {...control}
                {...bind("concurrencyLimit")}
                inputMode="numeric"
                value={draft.exclusive ? "" : draft.concurrencyLimit}
                disabled={draft.exclusive}
                placeholder="1"
                onChange={(event) => change("concurrencyLimit", event.target.value)}
              />
            )}
          </Field>
          <label className="col-span-2 flex items-center gap-2 text-xs text-slate-700">
            <input
              type="checkbox"
              checked={draft.exclusive}
              onChange={(event) => change("exclusive", event.target.checked)}
            />
            Exclusive: one attempt of this task at a time, across all runs
          </label>
          <Field label="Retries (max)" errors={issuesOf("retriesMax")}>
            {(control) => (
              <Input
                {...control}
                {...bind("retriesMax")}
                inputMode="numeric"
                value={draft.retriesMax}
                placeholder="0"
                onChange={(event) => change("retriesMax", event.target.value)}
              />
            )}
          </Field>
          <Field label="Retry delay" errors={issuesOf("retriesDelay")}>
            {(control) => (
              <Input
                {...control}
                {...bind("retriesDelay")}
                value={draft.retriesDelay}
                placeholder="1s"
                onChange={(event) => change("retriesDelay", event.target.value)}
              />
            )}
          </Field>
          <Field label="Backoff" errors={issuesOf("backoff")}>
            {(control) => (
              <Select
                {...control}
                value={draft.backoff}
                onChange={(event) =>
                  change("backoff", event.target.value === "fixed" ? "fixed" : "exponential")
                }
              >
                <option value="exponential">Exponential</option>
                <option value="fixed">Fixed</option>
              </Select>
            )}
          </Field>
          <Field label="Timeout" errors={issuesOf("timeout")}>
            {(control) => (
              <Input
                {...control}
                {...bind("timeout")}
                value={draft.timeout}
                placeholder="none (e.g. 30s)"
                onChange={(event) => change("timeout", event.target.value)}
              />
            )}
          </Field>
          <Field label="Output" errors={issuesOf("output")} className="col-span-2">
            {(control) => (
              <Select
                {...control}
                value={draft.output}
                onChange={(event) => change("output", event.target.value === "json" ? "json" : "text")}
              >
                <option value="text">
                  {draft.kind === "llm" ? "Text (the answer)" : "Text (stdout, trimmed)"}
                </option>
                <option value="json">
                  {draft.kind === "llm" ? "JSON (must parse; one repair retry)" : "JSON (stdout must parse)"}
                </option>
              </Select>
            )}
          </Field>
        </div>
      </details>

      {generalIssues.length > 0 && (
        <Callout title="This task does not validate">
          <FieldIssuesList issues={generalIssues} />
        </Callout>
      )}
      {upsert.error && !planIssuesOf(upsert.error) && (
        <Callout title="Not saved">{errorMessage(upsert.error)}</Callout>
      )}

      {/* At the bottom of the panel, short form or long: an issue shown on blur never moves it. */}
      <div
        className="sticky bottom-0 -mx-4 -mb-4 mt-auto flex items-center gap-2 border-t border-slate-200 bg-white px-4 py-3"
        data-testid="task-form-actions"
      >
        <Button variant="primary" type="submit" busy={upsert.isPending}>
          {creating ? "Add task" : "Save"}
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        {onDelete && (
          <Button
            variant="ghost"
            className="ml-auto text-rose-600 hover:bg-rose-50"
            icon={<TrashIcon size={14} />}
            onClick={onDelete}
          >
            Delete
          </Button>
        )}
      </div>
    </form>
  );
}

function FieldIssuesList({ issues }: { issues: readonly string[] | undefined }) {
  return <IssueList issues={issues} className="-mt-2" />;
}

function hasAdvanced(draft: TaskDraft): boolean {
  return (
    draft.priority !== "" ||
    draft.queue !== "" ||
    draft.concurrencyKey !== "" ||
    draft.concurrencyLimit !== "" ||
    draft.exclusive ||
    draft.retriesMax !== "" ||
    draft.retriesDelay !== "" ||
    draft.timeout !== "" ||
    draft.output !== "text" ||
    draft.backoff !== "exponential"
  );
}
