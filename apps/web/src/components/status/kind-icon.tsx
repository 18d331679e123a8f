import type { TaskKind } from "@taskloom/core";
import { cx } from "../ui/class-names.ts";
import { CircleDotIcon, GlobeIcon, TerminalIcon } from "../ui/icons.tsx";
import { kindStyle } from "./status-style.ts";

export function KindIcon({ kind, size = 14 }: { kind: TaskKind | string; size?: number }) {
  if (kind === "http") return <GlobeIcon size={size} />;
  if (kind === "noop") return <CircleDotIcon size={size} />;
  return <TerminalIcon size={size} />;
}

/** The task kind as a small coloured chip with its icon (and its name for screen readers). */
export function KindChip({ kind, showLabel = false }: { kind: TaskKind | string; showLabel?: boolean }) {
  const style = kindStyle(kind);
  return (
    <span
      className={cx(
        "inline-flex items-center gap-1 rounded text-[11px] font-semibold",
        showLabel ? "px-1.5 py-0.5" : "size-6 justify-center",
        style.chip,
      )}
      title={style.label}
    >
      <KindIcon kind={kind} size={showLabel ? 12 : 14} />
      {showLabel ? style.label : <span className="sr-only">{style.label}</span>}
    </span>
  );
}
