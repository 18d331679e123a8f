"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApprovalDecision, ApprovalField, WaitingApproval } from "@taskloom/core";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Field, Input, Select, Textarea } from "../../components/ui/field.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { formatAbsolute } from "../../components/ui/time.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { MarkdownView } from "../../markdown/markdown-view.tsx";
import { errorMessage, formErrorsOf } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import {
  type ApprovalFormState,
  errorsByField,
  type FormErrors,
  formValues,
  initialFormState,
} from "./approval-form-state.ts";

/**
 * The decision panel of a waiting approval in the run monitor's side panel: the prompt and description, the
 * typed form generated from the task's schema (text and number inputs, checkboxes, selects for enums, required
 * fields marked), a comment, and Approve / Reject. Values are checked here with core's rules before they are
 * sent, and the server's per-field refusals land on the same fields.
 */
export function ApprovalPanel({ runId, taskKey }: { runId: string; taskKey: string }) {
  const trpc = useTRPC();
  const waiting = useQuery(trpc.approvals.list.queryOptions({ runId }));
  const approval = waiting.data?.find((candidate) => candidate.taskKey === taskKey);
  if (waiting.isPending) return null;
  if (waiting.isError)
    return <Callout title="Could not load the approval">{errorMessage(waiting.error)}</Callout>;
  if (!approval) return null;
  return <DecisionForm key={approval.taskRunId} approval={approval} />;
}

function DecisionForm({ approval }: { approval: WaitingApproval }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<ApprovalFormState>(() => initialFormState(approval.form));
  const [comment, setComment] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const decide = useMutation(
    trpc.approvals.decide.mutationOptions({
      onSuccess: (_result, input) => {
        toast.success(
          `${input.decision === "approve" ? "Approved" : "Rejected"}: ${approval.taskKey}`,
          "Recorded in the run's audit trail.",
        );
        void queryClient.invalidateQueries({ queryKey: trpc.approvals.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId: approval.runId }) });
        void queryClient.invalidateQueries({
          queryKey: trpc.taskRuns.auditTrail.queryKey({ runId: approval.runId }),
        });
      },
      onError: (error) => {
        const fields = formErrorsOf(error);
        if (fields) setErrors(errorsByField(fields));
        else toast.error(`Could not decide ${approval.taskKey}`, errorMessage(error));
      },
    }),
  );

  const submit = (decision: ApprovalDecision) => {
    const base = { runId: approval.runId, taskKey: approval.taskKey, decision, comment: comment || null };
    if (decision === "reject") {
      setErrors({});
      decide.mutate(base);
      return;
    }
    const checked = formValues(approval.taskKey, approval.form, state);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    decide.mutate({ ...base, values: checked.values });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit("approve");
  };
  const fields = Object.entries(approval.form?.properties ?? {});

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Approval"
      data-testid="approval-panel"
      className="flex flex-col gap-3 rounded-lg border border-fuchsia-200 bg-fuchsia-50/60 p-3"
    >
      <div>
        <h3 className="text-xs font-semibold tracking-wide text-fuchsia-800 uppercase">
          Waiting for approval
        </h3>
        {approval.prompt && <p className="mt-1 text-sm font-medium text-slate-900">{approval.prompt}</p>}
        {approval.description && (
          <MarkdownView source={approval.description} className="mt-1 text-sm text-slate-700" />
        )}
        {approval.deadline !== null && (
          <p className="mt-1 text-xs text-slate-600">
            {approval.onTimeout === "approve" ? "Approved" : "Rejected"} automatically at{" "}
            {formatAbsolute(approval.deadline)}.
          </p>
        )}
      </div>
      {fields.map(([name, field]) => (
        <FormField
          key={name}
          name={name}
          field={field}
          required={approval.form?.required.includes(name) ?? false}
          value={state[name]}
          errors={errors[name]}
          onChange={(value) => setState((current) => ({ ...current, [name]: value }))}
        />
      ))}
      <Field label="Comment" hint="Shown in the audit trail (and in a rejection's error).">
        {(control) => (
          <Textarea
            {...control}
            rows={2}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
          />
        )}
      </Field>
      <div className="flex gap-2">
        <Button
          type="submit"
          variant="primary"
          size="sm"
          busy={decide.isPending && decide.variables?.decision === "approve"}
        >
          Approve
        </Button>
        <Button
          type="button"
          variant="danger"
          size="sm"
          busy={decide.isPending && decide.variables?.decision === "reject"}
          onClick={() => submit("reject")}
        >
          Reject
        </Button>
      </div>
    </form>
  );
}

function FormField({
  name,
  field,
  required,
  value,
  errors,
  onChange,
}: {
  name: string;
  field: ApprovalField;
  required: boolean;
  value: string | boolean | undefined;
  errors: string[] | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const label = (
    <>
      {field.title ?? name}
      {required && (
        <span className="ml-0.5 text-rose-600" title="required">
          *
        </span>
      )}
    </>
  );
  if (field.type === "boolean") {
    return (
      <Field label={label} hint={field.description} errors={errors}>
        {(control) => (
          <input
            {...control}
            type="checkbox"
            name={name}
            className="size-4 rounded border-slate-300"
            checked={value === true}
            onChange={(event) => onChange(event.target.checked)}
          />
        )}
      </Field>
    );
  }
  const text = typeof value === "string" ? value : "";
  return (
    <Field label={label} hint={field.description} errors={errors}>
      {(control) =>
        field.enum ? (
          <Select
            {...control}
            name={name}
            value={text}
            invalid={Boolean(errors?.length)}
            onChange={(event) => onChange(event.target.value)}
          >
            <option value="">Choose…</option>
            {field.enum.map((option) => (
              <option key={String(option)} value={String(option)}>
                {String(option)}
              </option>
            ))}
          </Select>
        ) : (
          <Input
            {...control}
            name={name}
            type={field.type === "string" ? "text" : "number"}
            step={field.type === "integer" ? 1 : "any"}
            min={field.minimum}
            max={field.maximum}
            value={text}
            invalid={Boolean(errors?.length)}
            onChange={(event) => onChange(event.target.value)}
          />
        )
      }
    </Field>
  );
}
