"use client";

import { type FormEvent, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Input } from "../../components/ui/field.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage, planIssuesOf } from "../../trpc/errors.ts";
import type { PlanView } from "../../trpc/types.ts";
import { useEditBase } from "../editor/use-edit-base.ts";
import { RemoveButton } from "./remove-button.tsx";
import { usePlanContextEdits } from "./use-plan-context-edits.ts";

/** The plan's notes (`note:<key>`): key/value memory every llm task of the plan may see. */
export function PlanNotesEditor({ plan }: { plan: PlanView }) {
  const edits = usePlanContextEdits(plan.slug);
  const notes = Object.entries(plan.notes);
  const remove = async (key: string) => {
    await edits.removeNote(key);
    toast.success(`Note ${key} removed`);
  };
  return (
    <section aria-labelledby="notes-title" className="flex flex-col gap-2">
      <h2 id="notes-title" className="text-sm font-semibold">
        Notes
      </h2>
      {edits.removeError && <Callout title="Not removed">{errorMessage(edits.removeError)}</Callout>}
      {notes.length === 0 && <p className="text-xs text-slate-500">No notes yet.</p>}
      <ul className="flex flex-col gap-1.5">
        {notes.map(([key, value]) => (
          <NoteRow key={key} plan={plan} noteKey={key} value={value} onRemove={() => void remove(key)} />
        ))}
      </ul>
      <NewNoteForm plan={plan} />
    </section>
  );
}

function NoteRow({
  plan,
  noteKey,
  value,
  onRemove,
}: {
  plan: PlanView;
  noteKey: string;
  value: string;
  onRemove: () => void;
}) {
  const edit = useEditBase(value, plan.version);
  const { setNote } = usePlanContextEdits(plan.slug);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await setNote
      .mutateAsync({
        planSlug: plan.slug,
        key: noteKey,
        value: edit.value,
        create: false,
        baseVersion: edit.baseVersion,
      })
      .catch(() => null);
    if (saved === null) return;
    edit.saved(saved.version);
    toast.success(`Note ${noteKey} saved`);
  };
  return (
    <li data-note={noteKey}>
      <form onSubmit={save} className="flex items-center gap-1.5" aria-label={`Note ${noteKey}`}>
        <span className="w-2/5 truncate font-mono text-xs text-slate-700" title={`note:${noteKey}`}>
          {noteKey}
        </span>
        <Input
          aria-label={`Value of note ${noteKey}`}
          value={edit.value}
          onChange={(event) => edit.setValue(event.target.value)}
          className="min-w-0 flex-1 text-xs"
        />
        {edit.dirty && (
          <Button size="sm" variant="primary" type="submit" busy={setNote.isPending}>
            Save
          </Button>
        )}
        <RemoveButton label={`Remove note ${noteKey}`} onClick={onRemove} />
      </form>
      {setNote.error && <p className="mt-1 text-xs text-rose-600">{errorMessage(setNote.error)}</p>}
    </li>
  );
}

function NewNoteForm({ plan }: { plan: PlanView }) {
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const { setNote } = usePlanContextEdits(plan.slug);
  const taken = Object.hasOwn(plan.notes, key.trim());
  const issues = planIssuesOf(setNote.error);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await setNote
      .mutateAsync({ planSlug: plan.slug, key: key.trim(), value, create: true, baseVersion: plan.version })
      .catch(() => null);
    if (saved === null) return;
    toast.success(`Note ${key.trim()} added`);
    setKey("");
    setValue("");
  };
  return (
    <form onSubmit={add} aria-label="New note" className="flex flex-col gap-1">
      <div className="flex items-center gap-1.5">
        <Input
          aria-label="New note key"
          placeholder="key"
          value={key}
          invalid={taken}
          onChange={(event) => setKey(event.target.value)}
          className="w-2/5 font-mono text-xs"
          autoComplete="off"
          spellCheck={false}
        />
        <Input
          aria-label="New note value"
          placeholder="value"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          className="min-w-0 flex-1 text-xs"
        />
        <Button size="sm" type="submit" busy={setNote.isPending} disabled={key.trim() === "" || taken}>
          Add note
        </Button>
      </div>
      {taken && <p className="text-xs text-rose-600">a note already has this key</p>}
      {setNote.error && (
        <p className="text-xs text-rose-600">
          {issues ? issues.map((i) => i.message).join("; ") : errorMessage(setNote.error)}
        </p>
      )}
    </form>
  );
}
