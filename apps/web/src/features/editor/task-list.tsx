"use client";

import { useDeferredValue, useMemo, useState } from "react";
import { KindChip } from "../../components/status/kind-icon.tsx";
import { Input } from "../../components/ui/field.tsx";
import type { PlanTask } from "../../trpc/types.ts";

/**
 * How many matches the list shows: a 1,000-task plan is searched, not scrolled. Kept small: the rows mount
 * with the editor, and 200 of them were most of the DOM (and of the first commit) of a big plan's page.
 */
const SHOWN = 40;

/** The plan's tasks as a searchable list: the keyboard way to find and open a task on a big canvas. */
export function TaskList({ tasks, onOpen }: { tasks: readonly PlanTask[]; onOpen: (key: string) => void }) {
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query.trim().toLowerCase());
  const matches = useMemo(
    () =>
      deferred === ""
        ? tasks
        : tasks.filter((task) => task.key.includes(deferred) || task.name.toLowerCase().includes(deferred)),
    [tasks, deferred],
  );
  return (
    <div className="flex min-h-0 flex-col gap-2">
      <Input
        type="search"
        aria-label="Find a task"
        placeholder={`Find among ${tasks.length} tasks…`}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ul className="-mx-1 flex min-h-0 flex-col overflow-y-auto" aria-label="Tasks">
        {matches.slice(0, SHOWN).map((task) => (
          <li key={task.key}>
            <button
              type="button"
              onClick={() => onOpen(task.key)}
              className="flex w-full items-center gap-2 rounded-md px-1 py-1.5 text-left hover:bg-slate-100 focus-visible:bg-slate-100"
            >
              <KindChip kind={task.kind} />
              <span className="min-w-0 flex-1">
                <span className="block truncate font-mono text-xs font-semibold text-slate-800">
                  {task.key}
                </span>
                {task.name !== task.key && (
                  <span className="block truncate text-xs text-slate-500">{task.name}</span>
                )}
              </span>
              {task.requires.length > 0 && (
                <span className="text-[11px] text-slate-400">← {task.requires.length}</span>
              )}
            </button>
          </li>
        ))}
        {matches.length > SHOWN && (
          <li className="px-1 py-2 text-xs text-slate-500">
            {matches.length - SHOWN} more: refine the search.
          </li>
        )}
        {matches.length === 0 && (
          <li className="px-1 py-2 text-xs text-slate-500">No task matches “{query}”.</li>
        )}
      </ul>
    </div>
  );
}
