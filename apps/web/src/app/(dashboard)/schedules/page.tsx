import type { Metadata } from "next";
import { PlanSchedulesPage } from "../../../features/schedules/plan-schedules-page.tsx";
import { SchedulesPage } from "../../../features/schedules/schedules-page.tsx";

export const metadata: Metadata = { title: "Schedules" };

interface Props {
  searchParams: Promise<{ plan?: string | string[] }>;
}

/** `/schedules` lists every schedule; `/schedules?plan=SLUG` one plan's. */
export default async function Page({ searchParams }: Props) {
  const { plan } = await searchParams;
  const slug = Array.isArray(plan) ? plan[0] : plan;
  return slug ? <PlanSchedulesPage planSlug={slug} /> : <SchedulesPage />;
}
