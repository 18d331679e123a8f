"use client";

import { Button, IconButton } from "../../components/ui/button.tsx";
import { controlClass } from "../../components/ui/field.tsx";
import { CloseIcon, PlusIcon } from "../../components/ui/icons.tsx";
import type { KeyValueRow } from "../../task-form/task-draft.ts";

/** Name/value rows (environment variables, HTTP headers). */
export function KeyValueEditor({
  label,
  rows,
  onChange,
  namePlaceholder,
  valuePlaceholder,
  invalid,
  describedBy,
}: {
  label: string;
  rows: readonly KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
  namePlaceholder: string;
  valuePlaceholder: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const update = (index: number, patch: Partial<KeyValueRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="flex flex-col gap-1.5" aria-describedby={describedBy}>
      <legend className="mb-1 text-xs font-medium text-slate-700">{label}</legend>
      {rows.map((row, index) => (
        // A grid sizes the columns: the controls are `w-full`, which a width class on them would not beat.
        // Rows have no identity of their own; the index is the identity while editing.
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and never reordered
        <div key={index} className="grid grid-cols-[2fr_3fr_auto] items-center gap-1.5">
          <input
            aria-label={`${label} name ${index + 1}`}
            value={row.name}
            onChange={(event) => update(index, { name: event.target.value })}
            placeholder={namePlaceholder}
            className={controlClass(invalid, "font-mono text-xs")}
          />
          <input
            aria-label={`${label} value ${index + 1}`}
            value={row.value}
            onChange={(event) => update(index, { value: event.target.value })}
            placeholder={valuePlaceholder}
            className={controlClass(invalid, "min-w-0 font-mono text-xs")}
          />
          <IconButton
            label={`Remove ${row.name || `row ${index + 1}`}`}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            <CloseIcon size={14} />
          </IconButton>
        </div>
      ))}
      <div>
        <Button
          size="sm"
          variant="ghost"
          icon={<PlusIcon size={12} />}
          onClick={() => onChange([...rows, { name: "", value: "" }])}
        >
          Add {label.toLowerCase().replace(/s$/, "")}
        </Button>
      </div>
    </fieldset>
  );
}
