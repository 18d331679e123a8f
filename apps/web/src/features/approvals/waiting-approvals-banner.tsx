"use client";

/**
 * Over the run monitor's canvas while approvals of the run wait: they stop the run until someone decides, so
 * they are named where the eye is, each a button that opens the task with its form.
 */
export function WaitingApprovalsBanner({ keys, onOpen }: { keys: string[]; onOpen: (key: string) => void }) {
  return (
    <div
      role="status"
      data-testid="waiting-approvals"
      className="flex max-w-80 flex-wrap items-center gap-1.5 rounded-md bg-fuchsia-50 px-3 py-2 text-xs text-fuchsia-900 shadow-md ring-1 ring-fuchsia-200"
    >
      <span className="font-semibold">
        {keys.length === 1 ? "An approval waits:" : `${keys.length} approvals wait:`}
      </span>
      {keys.map((key) => (
        <button
          key={key}
          type="button"
          onClick={() => onOpen(key)}
          className="rounded bg-white px-1.5 py-0.5 font-mono font-medium ring-1 ring-fuchsia-300 hover:bg-fuchsia-100"
        >
          {key}
        </button>
      ))}
    </div>
  );
}
