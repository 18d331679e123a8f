import type { Metadata } from "next";
import { PlanEditorPage } from "../../../../features/editor/plan-editor.tsx";

interface Props {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  return { title: slug };
}

export default async function Page({ params }: Props) {
  const { slug } = await params;
  return <PlanEditorPage slug={slug} />;
}
