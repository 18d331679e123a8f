"use client";

import { createContext, useCallback, useMemo, useState } from "react";
import { ancestorsOf, type ParentMap } from "../../graph/group-view.ts";

export interface GroupExpansion {
  parents: ParentMap;
  /** Groups shown open; every other group is collapsed (the default). */
  expanded: ReadonlySet<string>;
  toggle(key: string): void;
  /** Opens every group `key` is under, so that its node is on the canvas. */
  reveal(key: string): void;
}

/** Given by the canvas to its nodes: a group node's button toggles it. */
export const GroupToggleContext = createContext<((key: string) => void) | null>(null);

/** Which groups of a plan are open. Groups start collapsed: a big task shows as one node until clicked. */
export function useGroupExpansion(parents: ParentMap): GroupExpansion {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((key: string) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);
  const reveal = useCallback(
    (key: string) => {
      const closed = ancestorsOf(key, parents).filter((ancestor) => !expanded.has(ancestor));
      if (closed.length > 0) setExpanded((current) => new Set([...current, ...closed]));
    },
    [parents, expanded],
  );
  return useMemo(() => ({ parents, expanded, toggle, reveal }), [parents, expanded, toggle, reveal]);
}

/** Each task's parent, from the plan's (or run's) tasks. */
export function parentsOf(tasks: readonly { key: string; parent?: string | undefined }[]): ParentMap {
  const parents: Record<string, string> = {};
  for (const task of tasks) if (task.parent !== undefined) parents[task.key] = task.parent;
  return parents;
}
