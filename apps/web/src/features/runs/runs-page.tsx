"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { RUN_STATUSES, RUN_TRIGGERS, type TaskRunStatus } from "@taskloom/core";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { statusStyle } from "../../components/status/status-style.ts";
import { Button } from "../../components/ui/button.tsx";
import { Input, Select } from "../../components/ui/field.tsx";
import { ListIcon, SearchIcon } from "../../components/ui/icons.tsx";
import { ListTable } from "../../components/ui/list-table.tsx";
import { EmptyState, ErrorState, Skeleton } from "../../components/ui/states.tsx";
import { RelativeTime, useNow } from "../../components/ui/time.tsx";
import { elapsedMs, formatElapsed, isFinishedRunStatus } from "../../graph/run-progress.ts";
import {
  emptyResultHint,
  NO_FILTERS,
  parseRunFilters,
  type RunFilters,
  roundedNow,
  runFiltersToSearch,
  runListInput,
  TIME_RANGES,
  type TimeRange,
} from "../../runs/run-filters.ts";
import { shortRunId } from "../../runs/run-id.ts";
import { useTRPC } from "../../trpc/react.tsx";
import type { RunSummary } from "../../trpc/types.ts";
import { useLiveLists } from "../live/use-live-lists.ts";

const RANGE_LABELS: Record<TimeRange, string> = {
  any: "Any time",
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  custom: "Custom range…",
};

const COLUMNS = "grid grid-cols-[7.5rem_minmax(0,1fr)_6rem_5rem_9rem_8rem_5.5rem] items-center gap-3";

function TaskCounts({ counts }: { counts: Partial<Record<TaskRunStatus, number>> }) {
  const total = Object.values(counts).reduce((sum, count) => sum + (count ?? 0), 0);
  const shown = (["succeeded", "failed", "running", "blocked", "cancelled"] as const).filter(
    (status) => (counts[status] ?? 0) > 0,
  );
  return (
    <span className="flex items-center gap-2 text-xs tabular-nums" title={`${total} tasks`}>
      {shown.map((status) => (
        <span key={status} className="inline-flex items-center gap-1">
          <span className={`size-1.5 rounded-full ${statusStyle(status).dot}`} aria-hidden="true" />
          {counts[status]}
          <span className="sr-only">{status}</span>
        </span>
      ))}
      <span className="text-slate-400">/ {total}</span>
    </span>
  );
}

function RunRow({ run, now, planName }: { run: RunSummary; now: number; planName: string | undefined }) {
  return (
    <li data-testid={`run-row-${run.id}`}>
      <Link href={`/runs/${run.id}`} className={`${COLUMNS} px-4 py-2.5 text-sm hover:bg-slate-50`}>
        <span>
          <StatusPill status={run.status} size="sm" />
        </span>
        <span className="min-w-0">
          <span className="block truncate font-medium text-slate-900">{planName ?? run.planSlug}</span>
          <span className="block truncate font-mono text-xs text-slate-500">
            {shortRunId(run.id)} · v{run.planVersion}
          </span>
        </span>
        <span className="text-xs text-slate-600">{run.trigger}</span>
        <span className="text-xs text-slate-600 tabular-nums">{formatElapsed(elapsedMs(run, now))}</span>
        <TaskCounts counts={run.counts} />
        <RelativeTime at={run.createdAt} className="text-xs text-slate-600" />
        <span className="text-right text-xs font-medium text-indigo-700">Open →</span>
      </Link>
    </li>
  );
}

export function RunsPage() {
  useLiveLists();
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filters = useMemo(
    () => parseRunFilters(new URLSearchParams(searchParams.toString())),
    [searchParams],
  );
  const [search, setSearch] = useState(filters.search);
  const now = useNow(1000);
  const anchor = roundedNow(now);

  const setFilters = (next: RunFilters) =>
    router.replace(`${pathname}${runFiltersToSearch(next)}`, { scroll: false });

  // The search box updates the URL after a pause in typing, not on every key.
  useEffect(() => {
    if (search === filters.search) return;
    const timer = setTimeout(
      () => router.replace(`${pathname}${runFiltersToSearch({ ...filters, search })}`, { scroll: false }),
      350,
    );
    return () => clearTimeout(timer);
  }, [search, filters, pathname, router]);

  const plans = useQuery(trpc.plans.list.queryOptions());
  const planNames = useMemo(
    () => new Map((plans.data ?? []).map((plan) => [plan.slug, plan.name])),
    [plans.data],
  );

  const input = useMemo(() => runListInput(filters, anchor), [filters, anchor]);
  const runs = useInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions(input, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      // Active runs change state: keep the list fresh while any is shown.
      refetchInterval: (query) =>
        query.state.data?.pages.some((page) => page.items.some((run) => !isFinishedRunStatus(run.status)))
          ? 5000
          : false,
    }),
  );
  const items = runs.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = runFiltersToSearch(filters) !== "";

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-6xl flex-col gap-5 px-6 py-8">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Runs</h1>
          <p className="mt-1 text-sm text-slate-500">Every run of every plan, newest first.</p>
        </div>

        <search aria-label="Filter runs" className="flex flex-wrap items-end gap-2">
          <div className="relative min-w-56 flex-1">
            <SearchIcon
              size={14}
              className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-slate-400"
            />
            <Input
              type="search"
              aria-label="Search by task key or output"
              placeholder="Search by task key or output text…"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              className="pl-8"
            />
          </div>
          <div className="w-44 shrink-0">
            <Select
              aria-label="Plan"
              value={filters.plan ?? ""}
              onChange={(event) => setFilters({ ...filters, plan: event.target.value || null })}
            >
              <option value="">All plans</option>
              {(plans.data ?? []).map((plan) => (
                <option key={plan.slug} value={plan.slug}>
                  {plan.name}
                </option>
              ))}
            </Select>
          </div>
          <div className="w-36 shrink-0">
            <Select
              aria-label="Status"
              value={filters.status ?? ""}
              onChange={(event) =>
                setFilters({
                  ...filters,
                  status: RUN_STATUSES.find((status) => status === event.target.value) ?? null,
                })
              }
            >
              <option value="">Any status</option>
              {RUN_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {statusStyle(status).label}
                </option>
              ))}
            </Select>
          </div>
          <div className="w-36 shrink-0">
            <Select
              aria-label="Trigger"
              value={filters.trigger ?? ""}
              onChange={(event) =>
                setFilters({
                  ...filters,
                  trigger: RUN_TRIGGERS.find((trigger) => trigger === event.target.value) ?? null,
                })
              }
            >
              <option value="">Any trigger</option>
              {RUN_TRIGGERS.map((trigger) => (
                <option key={trigger} value={trigger}>
                  {trigger}
                </option>
              ))}
            </Select>
          </div>
          <div className="w-40 shrink-0">
            <Select
              aria-label="Time range"
              value={filters.range}
              onChange={(event) =>
                setFilters({
                  ...filters,
                  range: TIME_RANGES.find((range) => range === event.target.value) ?? "any",
                })
              }
            >
              {TIME_RANGES.map((range) => (
                <option key={range} value={range}>
                  {RANGE_LABELS[range]}
                </option>
              ))}
            </Select>
          </div>
          {filters.range === "custom" && (
            <>
              <div className="w-40 shrink-0">
                <Input
                  type="date"
                  aria-label="From day"
                  value={filters.from ?? ""}
                  onChange={(event) => setFilters({ ...filters, from: event.target.value || null })}
                />
              </div>
              <div className="w-40 shrink-0">
                <Input
                  type="date"
                  aria-label="To day"
                  value={filters.to ?? ""}
                  onChange={(event) => setFilters({ ...filters, to: event.target.value || null })}
                />
              </div>
            </>
          )}
          {filtered && (
            <Button
              variant="ghost"
              onClick={() => {
                setSearch("");
                setFilters(NO_FILTERS);
              }}
            >
              Clear
            </Button>
          )}
        </search>

        <ListTable
          label="Runs"
          columns={COLUMNS}
          headings={["Status", "Plan", "Trigger", "Took", "Tasks", "Started"]}
          actionsHeading="Open"
        >
          {runs.isPending ? (
            <ul aria-hidden="true" className="divide-y divide-slate-100">
              {[0, 1, 2, 3, 4].map((row) => (
                <li key={row} className={`${COLUMNS} px-4 py-3`}>
                  <Skeleton className="h-5 w-20" />
                  <Skeleton className="h-4 w-48" />
                  <Skeleton className="h-3 w-12" />
                  <Skeleton className="h-3 w-10" />
                  <Skeleton className="h-3 w-24" />
                  <Skeleton className="h-3 w-20" />
                  <span />
                </li>
              ))}
            </ul>
          ) : runs.isError ? (
            <ErrorState
              title="Could not load the runs"
              error={runs.error}
              onRetry={() => void runs.refetch()}
            />
          ) : items.length === 0 ? (
            <EmptyState
              icon={<ListIcon size={22} />}
              title={filtered ? "No run matches these filters" : "No runs yet"}
            >
              {filtered ? (
                emptyResultHint(filters)
              ) : (
                <>
                  Start one from the{" "}
                  <Link href="/plans" className="text-indigo-700 underline">
                    plans
                  </Link>
                  , or with <code className="font-mono text-xs">taskloom run plan.yaml</code>.
                </>
              )}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {items.map((run) => (
                <RunRow key={run.id} run={run} now={now} planName={planNames.get(run.planSlug)} />
              ))}
            </ul>
          )}
        </ListTable>
        {runs.hasNextPage && (
          <div className="flex justify-center">
            <Button busy={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
              Load more runs
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
