"use client";

import { LINK_KINDS } from "@taskloom/core";
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import { cx } from "../../components/ui/class-names.ts";
import { TrashIcon } from "../../components/ui/icons.tsx";
import type { LinkKind } from "../../graph/cycle-feedback.ts";
import type { LinkEdge } from "../../graph/flow-elements.ts";
import { LINK_KIND_STYLES } from "../../graph/link-styles.ts";

export interface EdgeActions {
  setKind(edge: { from: string; to: string; kind: LinkKind }, next: LinkKind): void;
  remove(edge: { from: string; to: string; kind: LinkKind }): void;
}

/** Given by the editor; absent on the run monitor, where links are read-only. */
export const EdgeActionsContext = createContext<EdgeActions | null>(null);

function LinkEdgeView({
  id,
  source,
  target,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  data,
  selected,
  markerEnd,
}: EdgeProps<LinkEdge>) {
  const actions = useContext(EdgeActionsContext);
  const kind = data?.kind ?? "requires";
  const look = LINK_KIND_STYLES[kind];
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    sourcePosition,
    targetX,
    targetY,
    targetPosition,
  });
  const link = { from: source, to: target, kind };
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={18}
        className="taskloom-edge-path"
        data-testid={`edge-${source}->${target}`}
        data-source={source}
        data-target={target}
        data-kind={kind}
        style={{
          // A draft canvas sets the variable: its links are amber like its nodes.
          stroke: `var(--taskloom-link-stroke, ${look.stroke})`,
          strokeWidth: 1.75,
          strokeDasharray: look.dash,
          strokeLinecap: look.dash === undefined ? undefined : "round",
        }}
      />
      {selected && actions !== null && (
        <EdgeLabelRenderer>
          <div
            role="toolbar"
            aria-label={`Link ${source} to ${target}`}
            data-testid={`edge-menu-${source}->${target}`}
            // Above the nodes: a link often passes under another task, and its menu must stay clickable.
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, zIndex: 2000 }}
            className="nodrag nopan pointer-events-auto absolute flex items-center gap-1 rounded-lg border border-slate-200 bg-white p-1 text-xs shadow-lg"
          >
            {LINK_KINDS.map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={kind === option}
                onClick={() => option !== kind && actions.setKind(link, option)}
                className={cx(
                  "rounded px-2 py-1 font-medium whitespace-nowrap",
                  kind === option ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100",
                )}
              >
                {LINK_KIND_STYLES[option].label}
              </button>
            ))}
            <span className="mx-0.5 h-4 w-px bg-slate-200" aria-hidden="true" />
            <button
              type="button"
              aria-label="Delete link"
              title="Delete link (Del)"
              onClick={() => actions.remove(link)}
              className="rounded p-1 text-slate-500 hover:bg-rose-50 hover:text-rose-600"
            >
              <TrashIcon size={14} />
            </button>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const LinkEdgeComponent = memo(LinkEdgeView);
