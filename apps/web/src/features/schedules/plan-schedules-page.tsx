"use client";

import Link from "next/link";
import { PlanSchedulesList } from "./plan-schedules-list.tsx";

/** One plan's schedules on a page of their own (`/schedules?plan=SLUG`). */
export function PlanSchedulesPage({ planSlug }: { planSlug: string }) {
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-2xl flex-col gap-5 px-6 py-8">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Schedules of {planSlug}</h1>
          <p className="mt-1 text-sm text-slate-500">
            <Link href={`/plans/${planSlug}`} className="hover:underline">
              Open the plan
            </Link>{" "}
            ·{" "}
            <Link href="/schedules" className="hover:underline">
              All schedules
            </Link>
          </p>
        </div>
        <section className="rounded-lg border border-slate-200 bg-white px-4 py-2 shadow-xs">
          <PlanSchedulesList planSlug={planSlug} />
        </section>
      </div>
    </div>
  );
}
