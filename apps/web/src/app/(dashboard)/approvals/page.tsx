import type { Metadata } from "next";
import { ApprovalsPage } from "../../../features/approvals/approvals-page.tsx";

export const metadata: Metadata = { title: "Approvals" };

/** `/approvals`: every approval waiting for a decision, across runs. */
export default function Page() {
  return <ApprovalsPage />;
}
