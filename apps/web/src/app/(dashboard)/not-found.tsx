import Link from "next/link";
import { buttonClass } from "../../components/ui/button.tsx";
import { EmptyState } from "../../components/ui/states.tsx";

export const metadata = { title: "Not found" };

/** A URL that leads nowhere, shown inside the shell: the header's navigation stays, with ways back. */
export default function NotFound() {
  return (
    <EmptyState
      title="Page not found"
      className="flex-1"
      actions={
        <>
          <Link href="/plans" className={buttonClass("primary")}>
            Plans
          </Link>
          <Link href="/runs" className={buttonClass()}>
            Runs
          </Link>
        </>
      }
    >
      Nothing lives at this address. It may have been a run or plan that was deleted, or a mistyped link.
    </EmptyState>
  );
}
