"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button, buttonClass } from "../../components/ui/button.tsx";
import { controlClass } from "../../components/ui/field.tsx";
import { DownloadIcon } from "../../components/ui/icons.tsx";
import { highlightParts, matchingLines } from "../../logs/highlight.ts";
import { useTRPC } from "../../trpc/react.tsx";

/** Typing pauses this long before a search goes to the server. */
const DEBOUNCE_MS = 250;

/** The search box and download link above a task's log. */
export function LogSearchBar({
  runId,
  taskKey,
  query,
  onQuery,
}: {
  runId: string;
  taskKey: string;
  query: string;
  onQuery: (query: string) => void;
}) {
  return (
    <div className="mb-1.5 flex items-center gap-2">
      <input
        type="search"
        aria-label={`Search the log of ${taskKey}`}
        placeholder="Search the log"
        value={query}
        onChange={(event) => onQuery(event.target.value)}
        className={controlClass(false, "py-1 text-xs")}
      />
      <a
        href={`/api/logs/${encodeURIComponent(runId)}/${encodeURIComponent(taskKey)}`}
        download
        className={buttonClass("secondary", "sm")}
      >
        <DownloadIcon size={12} /> Download
      </a>
    </div>
  );
}

/** The lines of a task's log that contain the query, with the matches marked, a page of chunks at a time. */
export function LogSearchResults({
  runId,
  taskKey,
  query,
}: {
  runId: string;
  taskKey: string;
  query: string;
}) {
  const trpc = useTRPC();
  const [debounced, setDebounced] = useState(query);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);
  const search = useInfiniteQuery(
    trpc.logs.search.infiniteQueryOptions(
      { runId, taskKey, query: debounced },
      { getNextPageParam: (page) => page.nextSeq ?? undefined, enabled: debounced.trim() !== "" },
    ),
  );
  const chunks = search.data?.pages.flatMap((page) => page.chunks) ?? [];
  const lines = matchingLines(chunks, debounced);
  return (
    <div
      data-testid="log-search-results"
      className="min-h-40 flex-1 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100"
    >
      {search.isPending ? (
        <p className="text-slate-400">Searching…</p>
      ) : lines.length === 0 ? (
        <p className="text-slate-400">No line contains “{debounced}”.</p>
      ) : (
        <ol>
          {lines.map(({ key, attempt, line }) => (
            <li key={key} className="break-words whitespace-pre-wrap">
              <span className="mr-2 text-slate-500 select-none">#{attempt}</span>
              {highlightParts(line, debounced).map((part, index) =>
                part.match ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one line, in order
                  <mark key={index} className="rounded-sm bg-amber-300 text-slate-950">
                    {part.text}
                  </mark>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one line, in order
                  <span key={index}>{part.text}</span>
                ),
              )}
            </li>
          ))}
        </ol>
      )}
      {search.hasNextPage && (
        <Button
          size="sm"
          className="mt-2"
          busy={search.isFetchingNextPage}
          onClick={() => void search.fetchNextPage()}
        >
          More matches
        </Button>
      )}
    </div>
  );
}
