export { findCycle, wouldCreateCycle } from "./cycles.ts";
export type { GraphEdge } from "./indexed-graph.ts";
export { transitiveDependents } from "./reachability.ts";
export { topologicalOrder } from "./topological-order.ts";
