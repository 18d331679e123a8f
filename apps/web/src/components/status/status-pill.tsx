import { cx } from "../ui/class-names.ts";
import { statusStyle } from "./status-style.ts";

/** A status as a coloured pill with a dot; the dot pulses while the work is in progress. */
export function StatusPill({
  status,
  size = "md",
  className,
}: {
  status: string;
  size?: "sm" | "md";
  className?: string;
}) {
  const style = statusStyle(status);
  return (
    <span
      className={cx(
        "inline-flex items-center gap-1.5 rounded-full font-medium whitespace-nowrap",
        size === "sm" ? "px-2 py-0.5 text-[11px]" : "px-2.5 py-0.5 text-xs",
        style.pill,
        className,
      )}
      data-status={status}
    >
      <span
        className={cx("size-1.5 rounded-full", style.dot, style.live && "animate-status-pulse")}
        aria-hidden="true"
      />
      {style.label}
    </span>
  );
}
