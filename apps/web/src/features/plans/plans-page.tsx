"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { StatusPill } from "../../components/status/status-pill.tsx";
import { Button } from "../../components/ui/button.tsx";
import { GraphIcon, PlusIcon, UploadIcon } from "../../components/ui/icons.tsx";
import { ListTable } from "../../components/ui/list-table.tsx";
import { EmptyState, ErrorState, Skeleton } from "../../components/ui/states.tsx";
import { RelativeTime } from "../../components/ui/time.tsx";
import { useTRPC } from "../../trpc/react.tsx";
import type { PlanListItem } from "../../trpc/types.ts";
import { DraftPlanDialog } from "../draft/draft-plan-dialog.tsx";
import { RunPlanControl } from "../editor/run-with-params-dialog.tsx";
import { useLiveLists } from "../live/use-live-lists.ts";
import { CreatePlanDialog } from "./create-plan-dialog.tsx";
import { ImportPlanDialog } from "./import-plan-dialog.tsx";

/** A draft from a goal: labelled, and not offered a run until it is approved. */
function PlanRow({ plan, draft }: { plan: PlanListItem; draft: boolean }) {
  return (
    <li
      data-testid={`plan-row-${plan.slug}`}
      className="grid grid-cols-[minmax(0,1fr)_7rem_12rem_6rem] items-center gap-4 px-4 py-3 hover:bg-slate-50"
    >
      <div className="min-w-0">
        <Link
          href={`/plans/${plan.slug}`}
          className="block truncate text-sm font-semibold text-slate-900 hover:text-indigo-700 hover:underline"
        >
          {plan.name}
        </Link>
        {draft && (
          <span
            className="mr-1 inline-block rounded border border-dashed border-amber-500 bg-amber-50 px-1 text-[10px] font-semibold text-amber-800 uppercase"
            data-testid="draft-badge"
          >
            Draft
          </span>
        )}
        <p className="truncate font-mono text-xs text-slate-500">
          {plan.slug} · v{plan.version} · edited <RelativeTime at={plan.updatedAt} />
        </p>
      </div>
      <p className="text-sm text-slate-600 tabular-nums">
        {plan.taskCount} task{plan.taskCount === 1 ? "" : "s"}
      </p>
      <div className="min-w-0">
        {plan.lastRun ? (
          <Link
            href={`/runs/${plan.lastRun.id}`}
            className="group flex items-center gap-2"
            aria-label={`Last run of ${plan.name}: ${plan.lastRun.status}`}
          >
            <StatusPill status={plan.lastRun.status} size="sm" />
            <RelativeTime
              at={plan.lastRun.createdAt}
              className="truncate text-xs text-slate-500 group-hover:text-slate-800"
            />
          </Link>
        ) : (
          <span className="text-xs text-slate-400">Never run</span>
        )}
      </div>
      <div className="flex justify-end">
        {draft ? (
          <Link href={`/plans/${plan.slug}`} className="text-xs font-medium text-amber-800 hover:underline">
            Review
          </Link>
        ) : (
          <RunPlanControl
            planSlug={plan.slug}
            planName={plan.name}
            params={plan.params}
            disabled={plan.taskCount === 0}
            variant="secondary"
            label={`Run ${plan.name}`}
          />
        )}
      </div>
    </li>
  );
}

function PlansSkeleton() {
  return (
    <ul aria-hidden="true" className="divide-y divide-slate-100">
      {[0, 1, 2, 3].map((row) => (
        <li key={row} className="grid grid-cols-[minmax(0,1fr)_7rem_12rem_6rem] items-center gap-4 px-4 py-4">
          <div className="flex flex-col gap-2">
            <Skeleton className="h-4 w-48" />
            <Skeleton className="h-3 w-64" />
          </div>
          <Skeleton className="h-4 w-16" />
          <Skeleton className="h-5 w-28" />
          <Skeleton className="ml-auto h-7 w-16" />
        </li>
      ))}
    </ul>
  );
}

export function PlansPage() {
  useLiveLists();
  const trpc = useTRPC();
  const plans = useQuery(trpc.plans.list.queryOptions());
  const drafts = useQuery(trpc.drafts.list.queryOptions());
  const draftSlugs = new Set((drafts.data ?? []).map((draft) => draft.planSlug));
  const [dialog, setDialog] = useState<"create" | "import" | "draft" | null>(null);

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-5xl flex-col gap-5 px-6 py-8">
        <div className="flex items-end justify-between gap-4">
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Plans</h1>
            <p className="mt-1 text-sm text-slate-500">
              Goals broken into tasks. Open one to edit its graph, or run it.
            </p>
          </div>
          <div className="flex gap-2">
            <Button icon={<GraphIcon size={14} />} onClick={() => setDialog("draft")}>
              Draft plan from goal
            </Button>
            <Button icon={<UploadIcon size={14} />} onClick={() => setDialog("import")}>
              Import
            </Button>
            <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setDialog("create")}>
              New plan
            </Button>
          </div>
        </div>

        <ListTable
          label="Plans"
          columns="grid grid-cols-[minmax(0,1fr)_7rem_12rem_6rem] gap-4"
          headings={["Plan", "Tasks", "Last run"]}
          actionsHeading="Actions"
        >
          {plans.isPending ? (
            <PlansSkeleton />
          ) : plans.isError ? (
            <ErrorState
              title="Could not load the plans"
              error={plans.error}
              onRetry={() => void plans.refetch()}
            />
          ) : plans.data.length === 0 ? (
            <EmptyState
              icon={<GraphIcon size={22} />}
              title="No plans yet"
              actions={
                <>
                  <Button icon={<UploadIcon size={14} />} onClick={() => setDialog("import")}>
                    Import a plan file
                  </Button>
                  <Button variant="primary" icon={<PlusIcon size={14} />} onClick={() => setDialog("create")}>
                    Create a plan
                  </Button>
                </>
              }
            >
              Create an empty plan and draw its tasks on the canvas, or import a YAML plan file such as{" "}
              <code className="rounded bg-slate-100 px-1 font-mono text-xs">examples/etl.yaml</code>.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {plans.data.map((plan) => (
                <PlanRow key={plan.slug} plan={plan} draft={draftSlugs.has(plan.slug)} />
              ))}
            </ul>
          )}
        </ListTable>
      </div>
      <CreatePlanDialog open={dialog === "create"} onClose={() => setDialog(null)} />
      <ImportPlanDialog open={dialog === "import"} onClose={() => setDialog(null)} />
      <DraftPlanDialog open={dialog === "draft"} onClose={() => setDialog(null)} />
    </div>
  );
}
