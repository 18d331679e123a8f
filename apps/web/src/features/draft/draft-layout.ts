import type { PlanDefinition } from "@taskloom/core";

export interface DraftNodePlacement {
  key: string;
  label: string;
  kind: string;
  x: number;
  y: number;
}

const COLUMN_WIDTH = 220;
const ROW_HEIGHT = 90;

/**
 * Places a draft's tasks for its preview: a task's column is its `requires` depth (roots at 0), rows in
 * plan order within a column. The draft is validated, so `requires` has no cycle and names only its tasks.
 */
export function layoutDraft(plan: PlanDefinition): {
  nodes: DraftNodePlacement[];
  edges: Array<{ from: string; to: string }>;
} {
  const byKey = new Map(plan.tasks.map((task) => [task.key, task]));
  const depth = new Map<string, number>();
  const depthOf = (key: string): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    const upstream = byKey.get(key)?.requires ?? [];
    const value = upstream.length === 0 ? 0 : 1 + Math.max(...upstream.map(depthOf));
    depth.set(key, value);
    return value;
  };
  const rows = new Map<number, number>();
  const nodes = plan.tasks.map((task) => {
    const column = depthOf(task.key);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return {
      key: task.key,
      label: task.name && task.name !== task.key ? task.name : task.key,
      kind: task.kind,
      x: column * COLUMN_WIDTH,
      y: row * ROW_HEIGHT,
    };
  });
  const edges = plan.tasks.flatMap((task) => task.requires.map((from) => ({ from, to: task.key })));
  return { nodes, edges };
}
