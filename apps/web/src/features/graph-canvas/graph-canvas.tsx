"use client";

import {
  Background,
  BackgroundVariant,
  Controls,
  type EdgeTypes,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  type ReactFlowProps,
} from "@xyflow/react";
import { kindStyle } from "../../components/status/status-style.ts";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { LinkEdgeComponent } from "./link-edge.tsx";
import { TaskNodeComponent } from "./task-node.tsx";
import { MINIMAP_FROM, OpenAtStart } from "./use-fit-to-start.ts";

// Module constants: React Flow warns (and re-mounts every node) when these objects change identity.
const NODE_TYPES: NodeTypes = { task: TaskNodeComponent };
const EDGE_TYPES: EdgeTypes = { link: LinkEdgeComponent };
// What the Fit button does: the whole plan, however small. A plan opens at `startViewport` instead (readable
// zoom, its start in view); only the nodes in view render then (onlyRenderVisibleElements).
export const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.25, minZoom: 0.05 } as const;

const minimapColor = (node: TaskNode) => kindStyle(node.data.kind).minimap;

/**
 * The plan graph on a React Flow canvas, shared by the editor and the run monitor. Settings chosen for big
 * plans: only visible elements render, nodes are memoized, and live statuses come from a store rather than
 * node data (see TaskStatusProvider).
 */
export function GraphCanvas({
  children,
  editable,
  ...props
}: ReactFlowProps<TaskNode, LinkEdge> & { editable: boolean }) {
  return (
    <ReactFlow<TaskNode, LinkEdge>
      nodeTypes={NODE_TYPES}
      edgeTypes={EDGE_TYPES}
      onlyRenderVisibleElements
      minZoom={0.05}
      maxZoom={2}
      nodesDraggable={editable}
      nodesConnectable={editable}
      edgesReconnectable={false}
      elementsSelectable
      deleteKeyCode={editable ? ["Delete", "Backspace"] : null}
      multiSelectionKeyCode={["Meta", "Control", "Shift"]}
      selectionKeyCode={null}
      connectionRadius={28}
      proOptions={{ hideAttribution: false }}
      {...props}
    >
      <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#cbd5e1" />
      <Controls showInteractive={false} position="bottom-left" fitViewOptions={FIT_VIEW_OPTIONS} />
      <OpenAtStart />
      {(props.nodes?.length ?? 0) > MINIMAP_FROM && (
        <MiniMap<TaskNode>
          pannable
          zoomable
          nodeColor={minimapColor}
          nodeStrokeWidth={0}
          maskColor="rgba(241, 245, 249, 0.7)"
          position="bottom-right"
          ariaLabel="Minimap of the plan graph"
        />
      )}
      {children}
    </ReactFlow>
  );
}
