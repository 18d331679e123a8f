"use client";

import { Field, Input, Textarea } from "../../components/ui/field.tsx";
import type { TaskDraft, TaskField } from "../../task-form/task-draft.ts";

interface FunctionFieldsProps {
  draft: TaskDraft;
  change: <K extends keyof TaskDraft>(field: K, value: TaskDraft[K]) => void;
  issuesOf: (field: TaskField) => string[] | undefined;
  bind: (field: TaskField) => { onBlur: () => void; invalid: boolean };
}

/** The fields of `kind: function`: the handler's name and its input (JSON, strings templated). */
export function FunctionFields({ draft, change, issuesOf, bind }: FunctionFieldsProps) {
  return (
    <>
      <Field
        label="Handler"
        errors={issuesOf("handler")}
        hint="The name given to defineTask; only a worker started with it (taskloom worker --register FILE) runs the task"
      >
        {(control) => (
          <Input
            {...control}
            {...bind("handler")}
            value={draft.handler}
            placeholder="resize"
            onChange={(event) => change("handler", event.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Field
        label="Input"
        errors={issuesOf("input")}
        hint="Optional JSON passed to the handler; strings are templated. Default: the task's params"
      >
        {(control) => (
          <Textarea
            {...control}
            {...bind("input")}
            rows={3}
            value={draft.input}
            placeholder='{"path": "{{tasks.fetch.output}}", "width": 320}'
            onChange={(event) => change("input", event.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
    </>
  );
}
