import type { RunStatus, TaskKind, TaskRunStatus } from "@taskloom/core";

export type AnyStatus = TaskRunStatus | RunStatus;

interface StatusStyle {
  label: string;
  /** The dot / bar colour. */
  dot: string;
  /** Pill background and text. */
  pill: string;
  /** Node border and tint on the canvas. */
  node: string;
  /** Bar fill in the timeline. */
  bar: string;
  /** Whether the status is "in progress" (the dot pulses). */
  live?: boolean;
}

/** One table for every status colour, so the canvas, pills and timeline always agree. */
export const STATUS_STYLES: Record<AnyStatus, StatusStyle> = {
  queued: {
    label: "Queued",
    dot: "bg-slate-400",
    pill: "bg-slate-100 text-slate-700",
    node: "border-slate-300 bg-white",
    bar: "bg-slate-300",
  },
  pending: {
    label: "Pending",
    dot: "bg-slate-400",
    pill: "bg-slate-100 text-slate-700",
    node: "border-slate-300 bg-white",
    bar: "bg-slate-300",
  },
  ready: {
    label: "Ready",
    dot: "bg-sky-500",
    pill: "bg-sky-50 text-sky-700",
    node: "border-sky-400 bg-sky-50",
    bar: "bg-sky-300",
  },
  running: {
    label: "Running",
    dot: "bg-blue-600",
    pill: "bg-blue-50 text-blue-700",
    node: "border-blue-500 bg-blue-50 ring-2 ring-blue-200",
    bar: "bg-blue-500",
    live: true,
  },
  retrying: {
    label: "Retrying",
    dot: "bg-amber-500",
    pill: "bg-amber-50 text-amber-800",
    node: "border-amber-500 bg-amber-50",
    bar: "bg-amber-400",
    live: true,
  },
  succeeded: {
    label: "Succeeded",
    dot: "bg-emerald-500",
    pill: "bg-emerald-50 text-emerald-700",
    node: "border-emerald-500 bg-emerald-50",
    bar: "bg-emerald-500",
  },
  failed: {
    label: "Failed",
    dot: "bg-rose-600",
    pill: "bg-rose-50 text-rose-700",
    node: "border-rose-500 bg-rose-50",
    bar: "bg-rose-500",
  },
  cancelled: {
    label: "Cancelled",
    dot: "bg-zinc-500",
    pill: "bg-zinc-100 text-zinc-700",
    node: "border-zinc-400 bg-zinc-100",
    bar: "bg-zinc-400",
  },
  blocked: {
    label: "Blocked",
    dot: "bg-orange-500",
    pill: "bg-orange-50 text-orange-800",
    node: "border-orange-400 bg-orange-50 border-dashed",
    bar: "bg-orange-300",
  },
  // An approval waiting for a person: violet, and pulsing, so it stands out from everything queued.
  waiting: {
    label: "Waiting for approval",
    dot: "bg-fuchsia-500",
    pill: "bg-fuchsia-50 text-fuchsia-800",
    node: "border-fuchsia-500 bg-fuchsia-50 ring-2 ring-fuchsia-200",
    bar: "bg-fuchsia-400",
    live: true,
  },
  skipped: {
    label: "Skipped",
    dot: "bg-stone-400",
    pill: "bg-stone-100 text-stone-600",
    node: "border-stone-300 bg-stone-50 border-dashed",
    bar: "bg-stone-300",
  },
};

export function statusStyle(status: string): StatusStyle {
  return STATUS_STYLES[status as AnyStatus] ?? STATUS_STYLES.pending;
}

interface KindStyle {
  label: string;
  /** Icon chip colours. */
  chip: string;
  /** The node's left accent. */
  accent: string;
  /** The minimap colour (a CSS colour: the minimap draws SVG). */
  minimap: string;
}

export const KIND_STYLES: Record<TaskKind, KindStyle> = {
  shell: {
    label: "Shell",
    chip: "bg-slate-800 text-white",
    accent: "before:bg-slate-700",
    minimap: "#334155",
  },
  http: {
    label: "HTTP",
    chip: "bg-violet-600 text-white",
    accent: "before:bg-violet-500",
    minimap: "#8b5cf6",
  },
  noop: { label: "No-op", chip: "bg-teal-600 text-white", accent: "before:bg-teal-500", minimap: "#14b8a6" },
  llm: { label: "LLM", chip: "bg-amber-600 text-white", accent: "before:bg-amber-500", minimap: "#f59e0b" },
  function: {
    label: "Function",
    chip: "bg-sky-700 text-white",
    accent: "before:bg-sky-600",
    minimap: "#0284c7",
  },
  approval: {
    label: "Approval",
    chip: "bg-fuchsia-600 text-white",
    accent: "before:bg-fuchsia-500",
    minimap: "#d946ef",
  },
};

export function kindStyle(kind: string): KindStyle {
  return KIND_STYLES[kind as TaskKind] ?? KIND_STYLES.shell;
}
