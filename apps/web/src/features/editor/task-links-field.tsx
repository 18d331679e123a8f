"use client";

import { useId, useState } from "react";
import { controlClass } from "../../components/ui/field.tsx";

/** Above this many tasks the list gets a filter: nobody scrolls through a hundred checkboxes. */
const FILTER_FROM = 8;

/**
 * A multi-select of the plan's other tasks, as a group of checkboxes: links made with the keyboard (Tab to a
 * task, Space to pick it) as well as by dragging on the canvas. The value keeps the plan's task order.
 */
export function TaskLinksField({
  label,
  hint,
  options,
  selected,
  onChange,
}: {
  label: string;
  hint: string;
  /** The plan's other task keys, in plan order. */
  options: readonly string[];
  selected: readonly string[];
  onChange: (keys: string[]) => void;
}) {
  const id = useId();
  const [filter, setFilter] = useState("");
  const chosen = new Set(selected);
  const needle = filter.trim().toLowerCase();
  // Picked tasks always show, so that a filter never hides what is set.
  const shown = options.filter((key) => chosen.has(key) || key.toLowerCase().includes(needle));
  const toggle = (key: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(key);
    else next.delete(key);
    onChange(options.filter((option) => next.has(option)));
  };

  return (
    <fieldset className="flex flex-col gap-1" aria-describedby={`${id}-hint`}>
      <legend className="mb-1 text-xs font-medium text-slate-700">{label}</legend>
      {options.length === 0 ? (
        <p className="text-xs text-slate-500">No other task to link yet.</p>
      ) : (
        <>
          {options.length > FILTER_FROM && (
            <input
              type="search"
              aria-label={`Filter ${label.toLowerCase()}`}
              placeholder="Filter tasks"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
              className={controlClass(false, "mb-1 py-1 text-xs")}
            />
          )}
          <ul className="flex max-h-32 flex-col gap-0.5 overflow-y-auto rounded-md p-1 ring-1 ring-slate-200 ring-inset">
            {shown.map((key) => (
              <li key={key}>
                <label className="flex cursor-pointer items-center gap-2 rounded px-1.5 py-0.5 font-mono text-xs hover:bg-slate-50">
                  <input
                    type="checkbox"
                    checked={chosen.has(key)}
                    onChange={(event) => toggle(key, event.target.checked)}
                    className="accent-indigo-600"
                  />
                  {key}
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
      <p id={`${id}-hint`} className="text-xs text-slate-500">
        {hint}
      </p>
    </fieldset>
  );
}
