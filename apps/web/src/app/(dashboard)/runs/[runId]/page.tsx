import type { Metadata } from "next";
import { RunMonitorPage } from "../../../../features/runs/run-monitor.tsx";
import { shortRunId } from "../../../../runs/run-id.ts";

interface Props {
  params: Promise<{ runId: string }>;
  searchParams: Promise<{ task?: string | string[] }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { runId } = await params;
  return { title: `Run ${shortRunId(runId)}` };
}

export default async function Page({ params, searchParams }: Props) {
  const { runId } = await params;
  const { task } = await searchParams;
  return <RunMonitorPage runId={runId} initialTask={typeof task === "string" ? task : null} />;
}
