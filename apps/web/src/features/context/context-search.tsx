"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Input } from "../../components/ui/field.tsx";
import { SearchIcon } from "../../components/ui/icons.tsx";
import { useTRPC } from "../../trpc/react.tsx";
import { DECISION_LABELS, decisionsByRef } from "./context-view.ts";
import { useContextActions, useContextItems } from "./use-context-preview.ts";

/** Most hits listed under the box. */
const SEARCH_LIMIT = 8;

/**
 * "Add any item": searches the INDEX, documents, notes and every other task's output of the plan (the index
 * retrieval uses), and pins the chosen one.
 */
export function ContextSearch({ planSlug, taskKey }: { planSlug: string; taskKey: string }) {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const [focused, setFocused] = useState(false);
  const deferred = useDeferredValue(query);
  const items = useContextItems(planSlug, taskKey);
  const actions = useContextActions(planSlug, taskKey);
  const hits = useQuery({
    ...trpc.context.search.queryOptions({ planSlug, taskKey, query: deferred, limit: SEARCH_LIMIT }),
    enabled: focused || deferred !== "",
    placeholderData: keepPreviousData,
  });
  const decisions = decisionsByRef(items.data ?? []);
  const open = (focused || query !== "") && hits.data !== undefined;

  const add = async (ref: string) => {
    await actions.pin(ref);
    setQuery("");
    setFocused(false);
  };

  return (
    <search
      aria-label={`Search the items ${taskKey} may draw on`}
      className="flex flex-col gap-1.5"
      // The list stays open while focus moves between the box and its Pin buttons, and closes when it leaves.
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setFocused(false);
      }}
    >
      <label htmlFor={`context-search-${taskKey}`} className="text-xs font-medium text-slate-700">
        Add an item
      </label>
      <div className="relative">
        <SearchIcon size={14} className="pointer-events-none absolute top-2 left-2.5 text-slate-400" />
        <Input
          id={`context-search-${taskKey}`}
          type="search"
          value={query}
          placeholder="Search documents, notes and task outputs"
          onChange={(event) => setQuery(event.target.value)}
          onFocus={() => setFocused(true)}
          className="pl-8"
          autoComplete="off"
        />
      </div>
      {open && (
        <ul
          aria-label="Items to add"
          className="flex max-h-72 flex-col gap-1 overflow-y-auto"
          data-testid="context-search-results"
        >
          {hits.data.length === 0 ? (
            <li className="text-xs text-slate-500">Nothing in the plan matches “{deferred}”.</li>
          ) : (
            hits.data.map((hit) => {
              const decision = decisions.get(hit.ref);
              return (
                <li
                  key={hit.ref}
                  className="flex items-start gap-2 rounded-md bg-slate-50 px-2 py-1.5"
                  data-ref={hit.ref}
                >
                  <div className="min-w-0 flex-1">
                    <p className="flex items-center gap-1.5">
                      <span className="truncate font-mono text-xs font-semibold text-slate-800">
                        {hit.ref}
                      </span>
                      <span className="truncate text-xs text-slate-500">{hit.title}</span>
                    </p>
                    <p className="line-clamp-2 text-[11px] text-slate-500">
                      {hit.hasText
                        ? hit.snippet
                        : "No output yet: pinning it brings nothing until it has run."}
                    </p>
                    {decision && (
                      <p className="text-[11px] text-slate-400">in the bundle: {DECISION_LABELS[decision]}</p>
                    )}
                  </div>
                  <Button
                    size="sm"
                    disabled={actions.busyRef === hit.ref}
                    aria-label={`Add ${hit.ref}`}
                    onClick={() => void add(hit.ref)}
                  >
                    Pin
                  </Button>
                </li>
              );
            })
          )}
        </ul>
      )}
    </search>
  );
}
