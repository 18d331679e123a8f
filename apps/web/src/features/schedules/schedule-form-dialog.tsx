"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field, Input, Select } from "../../components/ui/field.tsx";
import { IssueList } from "../../components/ui/issue-list.tsx";
import { SegmentedControl } from "../../components/ui/segmented-control.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { RelativeTime } from "../../components/ui/time.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage, planIssuesOf } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { KeyValueEditor } from "../editor/key-value-editor.tsx";
import {
  emptyScheduleDraft,
  formatInZone,
  issuesByField,
  MISSED_POLICIES,
  OVERLAP_POLICIES,
  RULE_KINDS,
  type ScheduleDraft,
  type ScheduleField,
  type ScheduleFieldIssues,
  scheduleDocument,
  scheduleDraftFrom,
  timezoneOptions,
} from "./schedule-draft.ts";
import type { ScheduleItem } from "./schedule-row.tsx";

/** The live preview asks the server this long after the last keystroke, ms. */
const PREVIEW_DEBOUNCE_MS = 250;

const MISSED_HINTS: Record<(typeof MISSED_POLICIES)[number], string> = {
  skip: "Skip fires missed while nothing was running",
  "catchup-one": "Run once for the latest missed fire",
  "catchup-all": "Run each missed fire (at most 100)",
};
const OVERLAP_HINTS: Record<(typeof OVERLAP_POLICIES)[number], string> = {
  skip: "Skip a fire while the previous run is still open",
  allow: "Start it anyway",
  queue: "Start it when the previous run ends (at most 100 waiting)",
};

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * Adds a schedule to a plan, or edits one (`schedule`): rule (cron with its timezone, interval, or one time),
 * run params, and the missed-fire and overlap policies. As the person types, the server validates the
 * schedule with the plan-file rules and computes its next fire times with the engine's own code
 * (`schedules.preview`), so what the preview says is what the workers will do.
 */
export function ScheduleFormDialog({
  open,
  onClose,
  planSlug,
  schedule,
}: {
  open: boolean;
  onClose: () => void;
  /** The plan to add to; null lets the person choose (the all-schedules page). Ignored when editing. */
  planSlug: string | null;
  /** The schedule to edit; absent to add one. */
  schedule?: ScheduleItem;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const editing = schedule !== undefined;
  const [draft, setDraft] = useState<ScheduleDraft>(() =>
    schedule ? scheduleDraftFrom(schedule) : emptyScheduleDraft(),
  );
  const [chosenPlan, setChosenPlan] = useState(planSlug ?? "");
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<ScheduleFieldIssues>({});
  const targetPlan = schedule?.planSlug ?? planSlug ?? chosenPlan;

  // The plan list names the plans to choose from, and the params each declares (shown as a hint).
  const plans = useQuery({ ...trpc.plans.list.queryOptions(), enabled: open });
  const planParams = plans.data?.find((plan) => plan.slug === targetPlan)?.params;

  const document = useMemo(() => scheduleDocument(draft), [draft]);
  const previewInput = useDebounced(
    { planSlug: targetPlan, schedule: document, ...(schedule ? { ref: schedule.id } : {}) },
    PREVIEW_DEBOUNCE_MS,
  );
  const preview = useQuery({
    ...trpc.schedules.preview.queryOptions(previewInput),
    enabled: open && previewInput.planSlug !== "",
    placeholderData: keepPreviousData,
    retry: false,
  });
  const previewIssues = useMemo(
    () => issuesByField(preview.data?.issues ?? [], draft.kind),
    [preview.data, draft.kind],
  );

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.schedules.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.schedules.byPlan.queryKey() });
  };
  const onError = (error: unknown) => {
    const issues = planIssuesOf(error);
    if (issues) setServerIssues(issuesByField(issues, draft.kind));
  };
  const create = useMutation(trpc.schedules.create.mutationOptions({ onError }));
  const update = useMutation(trpc.schedules.update.mutationOptions({ onError }));
  const saving = create.isPending || update.isPending;
  const saveError = create.error ?? update.error;

  function change<K extends keyof ScheduleDraft>(field: K, value: ScheduleDraft[K]) {
    setDraft((current) => ({ ...current, [field]: value }));
    setServerIssues({});
    create.reset();
    update.reset();
  }

  /** A field's issues: the server's answer to a save first, then the live preview's once the person tried. */
  function issuesOf(field: ScheduleField): string[] | undefined {
    const server = serverIssues[field];
    if (server && server.length > 0) return server;
    // Rule and timezone problems show as they are typed: that is what the preview is for.
    const live = field === draft.kind || field === "timezone";
    return submitted || live ? previewIssues[field] : undefined;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (targetPlan === "") {
      setServerIssues({ general: ["Choose the plan to run"] });
      return;
    }
    try {
      const saved = schedule
        ? await update.mutateAsync({ ref: schedule.id, schedule: document, replace: true })
        : await create.mutateAsync({ planSlug: targetPlan, schedule: document });
      refresh();
      toast.success(editing ? "Schedule saved" : "Schedule added", saved.description);
      onClose();
    } catch {
      // Shown in the form (issues by field, or the callout below).
    }
  }

  const browserZone =
    typeof Intl === "undefined" ? undefined : Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = useMemo(() => timezoneOptions(draft.timezone, browserZone), [draft.timezone, browserZone]);
  const previewCurrent = preview.data !== undefined && !preview.isPlaceholderData;
  const general = issuesOf("general") ?? [];

  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="md"
      title={editing ? `Edit schedule ${schedule.name ?? schedule.description}` : "Add schedule"}
      description={
        editing && schedule.source === "file"
          ? "This schedule comes from the plan file: importing the file again puts the file's version back."
          : "Runs of the plan with these params, started by every worker that fires schedules."
      }
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="schedule-form" busy={saving}>
            {editing ? "Save schedule" : "Add schedule"}
          </Button>
        </>
      }
    >
      <form id="schedule-form" onSubmit={submit} noValidate className="flex flex-col gap-4">
        {planSlug === null && !editing && (
          <Field
            label="Plan"
            errors={submitted && targetPlan === "" ? ["Choose the plan to run"] : undefined}
          >
            {(control) => (
              <Select {...control} value={chosenPlan} onChange={(event) => setChosenPlan(event.target.value)}>
                <option value="">Choose a plan…</option>
                {(plans.data ?? []).map((plan) => (
                  <option key={plan.slug} value={plan.slug}>
                    {plan.name === plan.slug ? plan.slug : `${plan.name} (${plan.slug})`}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}

        <Field label="Name" errors={issuesOf("name")} hint="Optional; lets the CLI say PLAN/NAME">
          {(control) => (
            <Input
              {...control}
              value={draft.name}
              placeholder="nightly"
              className="font-mono"
              autoComplete="off"
              onChange={(event) => change("name", event.target.value)}
            />
          )}
        </Field>

        <div className="flex flex-col gap-1.5">
          <span className="text-xs font-medium text-slate-700">Rule</span>
          <SegmentedControl
            label="Rule"
            options={RULE_KINDS}
            value={draft.kind}
            onChange={(kind) => change("kind", kind)}
          />
        </div>

        {draft.kind === "cron" && (
          <Field
            label="Cron expression"
            errors={issuesOf("cron")}
            hint="5 fields (minute hour day month weekday), or 6 with seconds first"
          >
            {(control) => (
              <Input
                {...control}
                value={draft.cron}
                invalid={(issuesOf("cron")?.length ?? 0) > 0}
                placeholder="0 2 * * *"
                className="font-mono"
                spellCheck={false}
                autoComplete="off"
                onChange={(event) => change("cron", event.target.value)}
              />
            )}
          </Field>
        )}
        {draft.kind === "every" && (
          <Field label="Every" errors={issuesOf("every")} hint="An interval from now: 30s, 10m, 1h30m, 1d">
            {(control) => (
              <Input
                {...control}
                value={draft.every}
                invalid={(issuesOf("every")?.length ?? 0) > 0}
                placeholder="1h"
                className="font-mono"
                autoComplete="off"
                onChange={(event) => change("every", event.target.value)}
              />
            )}
          </Field>
        )}
        {draft.kind === "at" && (
          <Field label="At" errors={issuesOf("at")} hint="Once, at this time in the timezone below">
            {(control) => (
              <Input
                {...control}
                type="datetime-local"
                step={1}
                value={draft.at}
                invalid={(issuesOf("at")?.length ?? 0) > 0}
                onChange={(event) => change("at", event.target.value)}
              />
            )}
          </Field>
        )}
        {draft.kind !== "every" && (
          <Field label="Timezone" errors={issuesOf("timezone")}>
            {(control) => (
              <Select
                {...control}
                value={draft.timezone === "" ? "UTC" : draft.timezone}
                onChange={(event) =>
                  change("timezone", event.target.value === "UTC" ? "" : event.target.value)
                }
              >
                {zones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}

        <section
          aria-label="Next fire times"
          data-testid="schedule-preview"
          className="rounded-md bg-slate-50 px-3 py-2"
        >
          <h3 className="text-xs font-medium text-slate-700">
            Next fire times{preview.data?.description ? `: ${preview.data.description}` : ""}
          </h3>
          {preview.isError ? (
            <p className="mt-1 text-xs text-rose-600">{errorMessage(preview.error)}</p>
          ) : preview.data === undefined ? (
            <p className="mt-1 text-xs text-slate-400">Computing…</p>
          ) : preview.data.issues.length > 0 ? (
            <p className="mt-1 text-xs text-slate-500">Fix the rule to see when it fires.</p>
          ) : preview.data.upcoming.length === 0 ? (
            <p className="mt-1 text-xs text-slate-500">
              {draft.enabled ? "It never fires again." : "Paused: it fires after it is resumed."}
            </p>
          ) : (
            <ol
              className={`mt-1 flex flex-col gap-0.5 text-xs ${previewCurrent ? "text-slate-800" : "text-slate-400"}`}
            >
              {preview.data.upcoming.map((at) => (
                <li key={at} data-testid="preview-fire">
                  {formatInZone(at, draft.kind === "every" ? "" : draft.timezone)}{" "}
                  <span className="text-slate-500">
                    · <RelativeTime at={at} />
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>

        <div className="flex flex-col gap-1">
          <KeyValueEditor
            label="Run params"
            rows={draft.params}
            onChange={(rows) => change("params", rows)}
            namePlaceholder="param"
            valuePlaceholder="value"
            invalid={(issuesOf("params")?.length ?? 0) > 0}
          />
          {planParams && Object.keys(planParams).length > 0 && (
            <p className="text-xs text-slate-500">
              Declared:{" "}
              {Object.entries(planParams)
                .map(([name, value]) => `${name} (default ${String(value)})`)
                .join(", ")}
            </p>
          )}
          <IssueList issues={issuesOf("params")} />
        </div>

        <div className="grid grid-cols-2 gap-3">
          <PolicySelect
            label="Missed fires"
            policies={MISSED_POLICIES}
            hints={MISSED_HINTS}
            value={draft.missed}
            errors={issuesOf("missed")}
            onChange={(policy) => change("missed", policy)}
          />
          <PolicySelect
            label="Overlap"
            policies={OVERLAP_POLICIES}
            hints={OVERLAP_HINTS}
            value={draft.overlap}
            errors={issuesOf("overlap")}
            onChange={(policy) => change("overlap", policy)}
          />
        </div>
        <label className="flex items-center gap-2 text-xs text-slate-700">
          <input
            type="checkbox"
            checked={!draft.enabled}
            onChange={(event) => change("enabled", !event.target.checked)}
          />
          Paused (never fires until resumed)
        </label>

        {general.length > 0 && (
          <Callout title="This schedule does not validate">
            <IssueList issues={general} />
          </Callout>
        )}
        {saveError && !planIssuesOf(saveError) && (
          <Callout title="Not saved">{errorMessage(saveError)}</Callout>
        )}
      </form>
    </Dialog>
  );
}

/** One of a schedule's policies (missed fires, overlap), with what the chosen one does as the hint. */
function PolicySelect<P extends string>({
  label,
  policies,
  hints,
  value,
  errors,
  onChange,
}: {
  label: string;
  policies: readonly P[];
  hints: Record<P, string>;
  value: P;
  errors: string[] | undefined;
  onChange: (policy: P) => void;
}) {
  return (
    <Field label={label} errors={errors} hint={hints[value]}>
      {(control) => (
        <Select
          {...control}
          value={value}
          onChange={(event) => onChange(policies.find((policy) => policy === event.target.value) ?? value)}
        >
          {policies.map((policy) => (
            <option key={policy}>{policy}</option>
          ))}
        </Select>
      )}
    </Field>
  );
}
