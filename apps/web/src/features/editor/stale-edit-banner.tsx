"use client";

import { Button } from "../../components/ui/button.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { useStaleEdit } from "./stale-edit.ts";

/**
 * Shown when an edit was refused because the plan changed since this tab loaded it (another tab, the CLI):
 * nothing was overwritten; reloading shows the other change, and the edit can be made again on top of it.
 */
export function StaleEditBanner() {
  const stale = useStaleEdit((state) => state.stale);
  const clear = useStaleEdit((state) => state.clear);
  if (stale === null) return null;
  return (
    <div className="border-b border-amber-200 bg-amber-50 px-4 py-2" data-testid="stale-edit">
      <Callout
        tone="warning"
        title="The plan changed since you opened it"
        onDismiss={clear}
        className="border-0 px-0 py-0"
      >
        <div className="flex flex-wrap items-center gap-3">
          <span>
            Your edit was not saved: this page shows v{stale.base}, the plan is now at v{stale.current}.
            Reload to see the change, then make your edit again.
          </span>
          <Button size="sm" variant="primary" onClick={() => window.location.reload()}>
            Reload
          </Button>
        </div>
      </Callout>
    </div>
  );
}
