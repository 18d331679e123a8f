"use client";

import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  type EdgeTypes,
  getViewportForBounds,
  MiniMap,
  type NodeTypes,
  ReactFlow,
  type ReactFlowProps,
  useReactFlow,
  useStoreApi,
} from "@xyflow/react";
import { Maximize } from "lucide-react";
import { useMemo } from "react";
import { kindStyle } from "../../components/status/status-style.ts";
import type { LinkEdge, TaskNode } from "../../graph/flow-elements.ts";
import { boundsOf, OVERVIEW_FROM } from "../../graph/graph-overview.ts";
import { groupGraph } from "../../graph/group-view.ts";
import { CanvasMinimap } from "./canvas-minimap.tsx";
import { LinkEdgeComponent } from "./link-edge.tsx";
import { OverviewLayer } from "./overview-layer.tsx";
import { TaskNodeComponent } from "./task-node.tsx";
import { MINIMAP_FROM, OpenAtStart } from "./use-fit-to-start.ts";
import { type GroupExpansion, GroupToggleContext } from "./use-group-expansion.ts";
import { useViewportWindow } from "./use-viewport-window.ts";

// Module constants: React Flow warns (and re-mounts every node) when these objects change identity.
const NODE_TYPES: NodeTypes = { task: TaskNodeComponent };
const EDGE_TYPES: EdgeTypes = { link: LinkEdgeComponent };
// What the Fit button does: the whole plan, however small. A plan opens at `startViewport` instead (readable
// zoom, its start in view); only the nodes in view render then (onlyRenderVisibleElements).
export const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.25, minZoom: 0.05 } as const;
const MIN_ZOOM = 0.05;
const NO_NODES: TaskNode[] = [];
const NO_EDGES: LinkEdge[] = [];

const minimapColor = (node: TaskNode) => kindStyle(node.data.kind).minimap;

/**
 * The Fit button, computed from the plan's own nodes: in the overview React Flow holds none, so its own
 * fitView would have nothing to fit.
 */
function FitButton({ nodes }: { nodes: readonly TaskNode[] }) {
  const flow = useReactFlow<TaskNode, LinkEdge>();
  const store = useStoreApi<TaskNode, LinkEdge>();
  const fit = () => {
    const { width, height } = store.getState();
    const { padding, minZoom, maxZoom } = FIT_VIEW_OPTIONS;
    // A big plan jumps to the fit: an animated zoom-out would mount a different window of nodes every frame.
    void flow.setViewport(
      getViewportForBounds(boundsOf(nodes), width, height, minZoom, maxZoom, padding),
      nodes.length >= OVERVIEW_FROM ? undefined : { duration: 200 },
    );
  };
  return (
    <ControlButton
      onClick={fit}
      title="Fit the whole plan"
      aria-label="Fit view"
      className="react-flow__controls-fitview"
    >
      <Maximize />
    </ControlButton>
  );
}

/**
 * The plan graph on a React Flow canvas, shared by the editor and the run monitor. Settings chosen for big
 * plans: only visible elements render, nodes are memoized, live statuses come from a store rather than node
 * data (see TaskStatusProvider), and a plan of `OVERVIEW_FROM` tasks or more gets a canvas minimap, hands
 * React Flow only the nodes and edges around the view (useViewportWindow) and, when more than
 * `MAX_DOM_NODES` would be in view, is drawn on a canvas instead (the overview). With `groups`,
 * tasks that have tasks under them (`parent`) are group nodes that collapse (the default) and expand.
 */
export function GraphCanvas({
  children,
  editable,
  groups,
  nodes: allNodes = NO_NODES,
  edges: allEdges = NO_EDGES,
  ...props
}: ReactFlowProps<TaskNode, LinkEdge> & { editable: boolean; groups?: GroupExpansion }) {
  const grouped = useMemo(
    () => (groups ? groupGraph(allNodes, allEdges, groups.parents, groups.expanded) : null),
    [allNodes, allEdges, groups],
  );
  const nodes = grouped?.nodes ?? allNodes;
  const edges = grouped?.edges ?? allEdges;
  const large = nodes.length >= OVERVIEW_FROM;
  const shown = useViewportWindow(nodes, edges);
  const overview = shown.overview;
  return (
    <GroupToggleContext.Provider value={groups?.toggle ?? null}>
      <ReactFlow<TaskNode, LinkEdge>
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        nodes={shown.nodes}
        edges={shown.edges}
        onlyRenderVisibleElements
        minZoom={MIN_ZOOM}
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
        data-overview={overview ? "true" : undefined}
        {...props}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#cbd5e1" />
        <Controls showInteractive={false} showFitView={false} position="bottom-left">
          <FitButton nodes={nodes} />
        </Controls>
        <OpenAtStart nodes={nodes} />
        {overview && <OverviewLayer nodes={nodes} edges={edges} />}
        {large ? (
          <CanvasMinimap nodes={nodes} />
        ) : (
          nodes.length > MINIMAP_FROM && (
            <MiniMap<TaskNode>
              pannable
              zoomable
              nodeColor={minimapColor}
              nodeStrokeWidth={0}
              maskColor="rgba(241, 245, 249, 0.7)"
              position="bottom-right"
              ariaLabel="Minimap of the plan graph"
            />
          )
        )}
        {children}
      </ReactFlow>
    </GroupToggleContext.Provider>
  );
}
