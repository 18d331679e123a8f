import type { Metadata } from "next";
import { Suspense } from "react";
import { LoadingState } from "../../../components/ui/states.tsx";
import { RunsPage } from "../../../features/runs/runs-page.tsx";

export const metadata: Metadata = { title: "Runs" };

export default function Page() {
  // The filters live in the URL; reading them needs a Suspense boundary when the page is prerendered.
  return (
    <Suspense fallback={<LoadingState />}>
      <RunsPage />
    </Suspense>
  );
}
