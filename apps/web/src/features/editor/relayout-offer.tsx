"use client";

import { Button } from "../../components/ui/button.tsx";
import { CloseIcon, LayoutIcon } from "../../components/ui/icons.tsx";

/**
 * Shown after `requires` links were added: the layout no longer follows them, and re-laying it out is one
 * click away. Tasks placed by hand stay where they are; the offer says how many.
 */
export function RelayoutOffer({
  pinnedCount,
  onRelayout,
  onDismiss,
}: {
  pinnedCount: number;
  onRelayout: () => void;
  onDismiss: () => void;
}) {
  return (
    <div
      role="status"
      data-testid="relayout-offer"
      className="flex items-center gap-2 rounded-md bg-white py-1 pr-1 pl-3 text-xs text-slate-700 shadow-md ring-1 ring-slate-200"
    >
      <span>
        Links changed.
        {pinnedCount > 0 &&
          ` The ${pinnedCount === 1 ? "task" : `${pinnedCount} tasks`} you placed by hand stay${pinnedCount === 1 ? "s" : ""} put.`}
      </span>
      <Button size="sm" variant="primary" icon={<LayoutIcon size={12} />} onClick={onRelayout}>
        Re-lay out
      </Button>
      <button
        type="button"
        aria-label="Keep the layout as it is"
        onClick={onDismiss}
        className="rounded p-1 text-slate-500 hover:bg-slate-100"
      >
        <CloseIcon size={12} />
      </button>
    </div>
  );
}
