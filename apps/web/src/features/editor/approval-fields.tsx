"use client";

import { Field, Select, Textarea } from "../../components/ui/field.tsx";
import type { TaskDraft, TaskField } from "../../task-form/task-draft.ts";

interface ApprovalFieldsProps {
  draft: TaskDraft;
  change: <K extends keyof TaskDraft>(field: K, value: TaskDraft[K]) => void;
  issuesOf: (field: TaskField) => string[] | undefined;
  bind: (field: TaskField) => { onBlur: () => void; invalid: boolean };
}

const FORM_PLACEHOLDER = `{
  "properties": {
    "version": { "type": "string", "title": "Version" },
    "replicas": { "type": "integer", "minimum": 1, "default": 2 }
  },
  "required": ["version"]
}`;

/**
 * An approval's prompt, description, input form (the plan file's JSON-schema subset, written as JSON) and what
 * its timeout decides; the timeout itself is the task's Timeout. Checked with the plan-file rules like the
 * rest of the form, so a form the approver could not fill is refused here.
 */
export function ApprovalFields({ draft, change, issuesOf, bind }: ApprovalFieldsProps) {
  return (
    <>
      <Field label="Prompt" errors={issuesOf("prompt")} hint="The question put to the approver">
        {(control) => (
          <Textarea
            {...control}
            {...bind("prompt")}
            rows={2}
            value={draft.prompt}
            placeholder="Ship this build to production?"
            onChange={(event) => change("prompt", event.target.value)}
          />
        )}
      </Field>
      <Field
        label="Description"
        errors={issuesOf("description")}
        hint="Longer text for the approver (Markdown)"
      >
        {(control) => (
          <Textarea
            {...control}
            {...bind("description")}
            rows={3}
            value={draft.description}
            onChange={(event) => change("description", event.target.value)}
          />
        )}
      </Field>
      <Field
        label="Form"
        errors={issuesOf("approvalForm")}
        hint="Optional fields the approver fills in (JSON): string, number, integer, boolean; enum, minimum, maximum, minLength, maxLength, default. Their values become the task's output."
      >
        {(control) => (
          <Textarea
            {...control}
            {...bind("approvalForm")}
            rows={6}
            value={draft.approvalForm}
            placeholder={FORM_PLACEHOLDER}
            onChange={(event) => change("approvalForm", event.target.value)}
            className="font-mono"
            spellCheck={false}
          />
        )}
      </Field>
      <Field
        label="On timeout"
        errors={issuesOf("onTimeout")}
        hint="What happens when Timeout (under Scheduling) passes without a decision"
      >
        {(control) => (
          <Select
            {...control}
            value={draft.onTimeout}
            onChange={(event) => change("onTimeout", event.target.value === "approve" ? "approve" : "reject")}
          >
            <option value="reject">Reject</option>
            <option value="approve">Approve, with the form's defaults</option>
          </Select>
        )}
      </Field>
    </>
  );
}
