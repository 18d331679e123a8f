"use client";

import { type FormEvent, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Field, Input, Textarea } from "../../components/ui/field.tsx";
import { DocumentIcon, PlusIcon } from "../../components/ui/icons.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage, planIssuesOf } from "../../trpc/errors.ts";
import type { PlanView } from "../../trpc/types.ts";
import { useEditBase } from "../editor/use-edit-base.ts";
import { RemoveButton } from "./remove-button.tsx";
import { usePlanContextEdits } from "./use-plan-context-edits.ts";

type PlanDocument = PlanView["documents"][number];
interface DocumentDraft {
  key: string;
  title: string;
  text: string;
}

const sameDraft = (a: DocumentDraft, b: DocumentDraft) =>
  a.key === b.key && a.title === b.title && a.text === b.text;

/** The plan's documents (`doc:<key>` context items): list, add, edit and remove, as inline text. */
export function PlanDocumentsEditor({ plan }: { plan: PlanView }) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const edits = usePlanContextEdits(plan.slug);

  const remove = async (key: string) => {
    await edits.removeDocument(key);
    toast.success(`Document ${key} removed`);
  };

  return (
    <section aria-labelledby="documents-title" className="flex flex-col gap-2">
      <div className="flex items-center justify-between">
        <h2 id="documents-title" className="text-sm font-semibold">
          Documents
        </h2>
        {!adding && (
          <Button size="sm" icon={<PlusIcon size={12} />} onClick={() => setAdding(true)}>
            Add document
          </Button>
        )}
      </div>
      {edits.removeError && <Callout title="Not removed">{errorMessage(edits.removeError)}</Callout>}
      {adding && (
        <DocumentForm
          plan={plan}
          initial={{ key: "", title: "", text: "" }}
          creating
          onDone={() => setAdding(false)}
        />
      )}
      {plan.documents.length === 0 && !adding ? (
        <p className="text-xs text-slate-500">
          No documents. LLM tasks can draw on them by retrieval or by a pin (
          <span className="font-mono">doc:key</span>).
        </p>
      ) : (
        <ul className="flex flex-col gap-1.5">
          {plan.documents.map((doc) =>
            editing === doc.key ? (
              <li key={doc.key}>
                <DocumentForm
                  plan={plan}
                  initial={{ key: doc.key, title: doc.title, text: doc.text }}
                  creating={false}
                  onDone={() => setEditing(null)}
                />
              </li>
            ) : (
              <DocumentRow
                key={doc.key}
                doc={doc}
                onEdit={() => setEditing(doc.key)}
                onRemove={() => void remove(doc.key)}
              />
            ),
          )}
        </ul>
      )}
    </section>
  );
}

function DocumentRow({
  doc,
  onEdit,
  onRemove,
}: {
  doc: PlanDocument;
  onEdit: () => void;
  onRemove: () => void;
}) {
  return (
    <li
      className="flex items-start gap-2 rounded-md border border-slate-200 px-2.5 py-2"
      data-document={doc.key}
    >
      <DocumentIcon size={14} className="mt-0.5 shrink-0 text-slate-400" />
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-slate-800">{doc.title}</p>
        <p className="truncate font-mono text-[11px] text-slate-500">
          doc:{doc.key} · {doc.text.length} characters
        </p>
      </div>
      <Button size="sm" variant="ghost" onClick={onEdit} aria-label={`Edit document ${doc.key}`}>
        Edit
      </Button>
      <RemoveButton label={`Remove document ${doc.key}`} onClick={onRemove} />
    </li>
  );
}

function DocumentForm({
  plan,
  initial,
  creating,
  onDone,
}: {
  plan: PlanView;
  initial: DocumentDraft;
  creating: boolean;
  onDone: () => void;
}) {
  const edit = useEditBase(initial, plan.version, sameDraft);
  const { value: draft, setValue: setDraft, baseVersion } = edit;
  const { setDocument } = usePlanContextEdits(plan.slug);
  const issues = planIssuesOf(setDocument.error);
  const keyTaken = creating && plan.documents.some((doc) => doc.key === draft.key.trim());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = draft.key.trim();
    const saved = await setDocument
      .mutateAsync({
        planSlug: plan.slug,
        key,
        title: draft.title.trim() || key,
        text: draft.text,
        create: creating,
        baseVersion,
      })
      .catch(() => null);
    if (saved === null) return;
    edit.saved(saved.version);
    toast.success(creating ? `Document ${key} added` : `Document ${key} saved`);
    onDone();
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={creating ? "New document" : `Document ${initial.key}`}
      className="flex flex-col gap-2 rounded-md border border-indigo-200 bg-indigo-50/30 p-2.5"
    >
      <div className="grid grid-cols-2 gap-2">
        <Field
          label="Key"
          hint={creating ? "Its ref is doc:key" : undefined}
          errors={keyTaken ? ["a document already has this key"] : undefined}
        >
          {(control) => (
            <Input
              {...control}
              value={draft.key}
              disabled={!creating}
              onChange={(event) => setDraft({ ...draft, key: event.target.value })}
              className="font-mono"
              autoComplete="off"
              spellCheck={false}
              autoFocus={creating}
            />
          )}
        </Field>
        <Field label="Title">
          {(control) => (
            <Input
              {...control}
              value={draft.title}
              placeholder={draft.key || "Title"}
              onChange={(event) => setDraft({ ...draft, title: event.target.value })}
            />
          )}
        </Field>
      </div>
      <Field label="Text">
        {(control) => (
          <Textarea
            {...control}
            rows={8}
            value={draft.text}
            onChange={(event) => setDraft({ ...draft, text: event.target.value })}
          />
        )}
      </Field>
      {setDocument.error && (
        <Callout title="Not saved">
          {issues ? (
            <ul>
              {issues.map((issue) => (
                <li key={issue.message}>{issue.message}</li>
              ))}
            </ul>
          ) : (
            errorMessage(setDocument.error)
          )}
        </Callout>
      )}
      <div className="flex items-center gap-2">
        <Button
          size="sm"
          variant="primary"
          type="submit"
          busy={setDocument.isPending}
          disabled={draft.key.trim() === "" || keyTaken || (!creating && !edit.dirty)}
        >
          {creating ? "Add document" : "Save document"}
        </Button>
        <Button size="sm" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
