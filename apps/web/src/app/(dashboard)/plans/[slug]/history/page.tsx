import type { Metadata } from "next";
import { PlanHistoryPage } from "../../../../../features/history/plan-history.tsx";

interface Props {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  return { title: `${slug} history` };
}

export default async function Page({ params }: Props) {
  const { slug } = await params;
  return <PlanHistoryPage slug={slug} />;
}
