"use client";

import { Handle, type NodeProps, Position, type ReactFlowState, useStore } from "@xyflow/react";
import { ChevronDown, ChevronRight } from "lucide-react";
import { memo, useContext } from "react";
import { KindChip } from "../../components/status/kind-icon.tsx";
import { kindStyle, statusStyle } from "../../components/status/status-style.ts";
import { cx } from "../../components/ui/class-names.ts";
import type { TaskNode } from "../../graph/flow-elements.ts";
import { NODE_HEIGHT, NODE_WIDTH } from "../../graph/layout.ts";
import { useSweepProgress } from "./sweep-progress-context.tsx";
import { useTaskStatus } from "./task-status-context.tsx";
import { GroupToggleContext } from "./use-group-expansion.ts";

/** The open/close control of a group node (a task with tasks under it). */
function GroupToggle({
  taskKey,
  descendants,
  expanded,
}: {
  taskKey: string;
  descendants: number;
  expanded: boolean;
}) {
  const toggle = useContext(GroupToggleContext);
  const Chevron = expanded ? ChevronDown : ChevronRight;
  return (
    <button
      type="button"
      data-testid={`group-toggle-${taskKey}`}
      aria-expanded={expanded}
      aria-label={`${expanded ? "Collapse" : "Expand"} ${taskKey} (${descendants} task${descendants === 1 ? "" : "s"} under it)`}
      disabled={toggle === null}
      onClick={(event) => {
        // The click is the toggle's, not a selection of the node.
        event.stopPropagation();
        toggle?.(taskKey);
      }}
      className="nodrag nopan flex items-center gap-0.5 rounded px-1 text-xs leading-4 font-medium text-indigo-700 hover:bg-indigo-50"
    >
      <Chevron size={12} aria-hidden="true" />
      {descendants} task{descendants === 1 ? "" : "s"}
    </button>
  );
}

/** Below this zoom, text is unreadable anyway: nodes draw as plain coloured blocks (far less to paint). */
const DETAIL_ZOOM = 0.4;
const zoomedOut = (state: ReactFlowState) => state.transform[2] < DETAIL_ZOOM;

function TaskNodeView({ data, selected }: NodeProps<TaskNode>) {
  const status = useTaskStatus(data.key);
  const sweep = useSweepProgress(data.key);
  // A boolean selector: nodes re-render only when the zoom crosses the threshold, not on every zoom step.
  const simple = useStore(zoomedOut);
  const style = status === undefined ? null : statusStyle(status);
  const subtitle = data.name !== data.key ? data.name : kindStyle(data.kind).label;
  const group = data.group;
  // A collapsed group looks like a stack of cards: the tasks under it are behind it.
  const stacked = group !== undefined && !group.expanded;
  if (simple) {
    return (
      <div
        data-testid={`task-node-${data.key}`}
        data-status={status}
        data-kind={data.kind}
        data-group={group === undefined ? undefined : group.expanded ? "expanded" : "collapsed"}
        title={data.key}
        style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
        className={cx(
          "rounded-lg border-4",
          style?.node ?? "border-slate-300 bg-white",
          selected && "outline-4 outline-indigo-500",
        )}
      >
        <Handle type="target" position={Position.Left} />
        <span className={cx("block h-full w-8 rounded-l", kindStyle(data.kind).chip)} />
        <Handle type="source" position={Position.Right} />
      </div>
    );
  }
  return (
    <div
      data-testid={`task-node-${data.key}`}
      data-status={status}
      data-kind={data.kind}
      data-group={group === undefined ? undefined : group.expanded ? "expanded" : "collapsed"}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      className={cx(
        "flex items-center gap-2.5 rounded-lg border bg-white pr-2.5 pl-2.5 shadow-sm transition-colors",
        style?.node ?? "border-slate-300",
        stacked && "shadow-[4px_4px_0_-1px_#fff,4px_4px_0_0_#94a3b8,8px_8px_0_-1px_#fff,8px_8px_0_0_#cbd5e1]",
        selected && "outline-2 outline-offset-2 outline-indigo-500",
      )}
    >
      <Handle type="target" position={Position.Left} aria-label={`Link into ${data.key}`} />
      <KindChip kind={data.kind} />
      <div className="min-w-0 flex-1">
        <p className="truncate font-mono text-[13px] leading-5 font-semibold text-slate-900">{data.key}</p>
        {sweep !== undefined ? (
          <p className="truncate text-xs leading-4 text-slate-500" data-testid={`sweep-progress-${data.key}`}>
            {sweep} done
          </p>
        ) : group === undefined ? (
          <p className="truncate text-xs leading-4 text-slate-500">{subtitle}</p>
        ) : (
          <GroupToggle taskKey={data.key} descendants={group.descendants} expanded={group.expanded} />
        )}
      </div>
      {style !== null && (
        <span
          className={cx("size-2.5 shrink-0 rounded-full", style.dot, style.live && "animate-status-pulse")}
          title={style.label}
          role="img"
          aria-label={style.label}
        />
      )}
      <Handle type="source" position={Position.Right} aria-label={`Link from ${data.key}`} />
    </div>
  );
}

/** Memoized: React Flow re-renders nodes on every viewport change otherwise; props only change on drag. */
export const TaskNodeComponent = memo(TaskNodeView);
