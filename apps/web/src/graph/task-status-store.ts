import type { TaskRunStatus } from "@taskloom/core";
import { createStore, type StoreApi } from "zustand/vanilla";

export interface TaskStatusChange {
  taskKey: string;
  status: TaskRunStatus;
}

export interface TaskStatusState {
  /** Status per task key, of the run the canvas currently shows. Absent: no run shown, or not in it. */
  statuses: Readonly<Record<string, TaskRunStatus>>;
  /** Replaces every status (a run was loaded or switched). */
  reset(statuses: Readonly<Record<string, TaskRunStatus>>): void;
  /** Applies a batch of changes in one update, so subscribers re-render once per batch. */
  apply(changes: readonly TaskStatusChange[]): void;
}

export type TaskStatusStore = StoreApi<TaskStatusState>;

/**
 * Live task statuses live outside React Flow's node data: a status change then re-renders only the node
 * whose selector value changed, instead of handing React Flow a new nodes array (which re-measures and
 * diffs every node of a 1,000-task plan).
 */
export function createTaskStatusStore(
  initial: Readonly<Record<string, TaskRunStatus>> = {},
): TaskStatusStore {
  return createStore<TaskStatusState>()((set) => ({
    statuses: initial,
    reset(statuses) {
      set({ statuses });
    },
    apply(changes) {
      if (changes.length === 0) return;
      set((state) => {
        const next: Record<string, TaskRunStatus> = { ...state.statuses };
        let changed = false;
        for (const { taskKey, status } of changes) {
          if (next[taskKey] === status) continue;
          next[taskKey] = status;
          changed = true;
        }
        return changed ? { statuses: next } : state;
      });
    },
  }));
}
