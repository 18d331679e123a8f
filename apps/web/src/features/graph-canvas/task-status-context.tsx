"use client";

import type { TaskRunStatus } from "@taskloom/core";
import { createContext, type ReactNode, useContext } from "react";
import { useStore } from "zustand";
import type { TaskStatusStore } from "../../graph/task-status-store.ts";

const TaskStatusContext = createContext<TaskStatusStore | null>(null);

export function TaskStatusProvider({ store, children }: { store: TaskStatusStore; children: ReactNode }) {
  return <TaskStatusContext.Provider value={store}>{children}</TaskStatusContext.Provider>;
}

/** The status store itself, for canvases that draw every status at once (the overview, the minimap). */
export function useTaskStatusStore(): TaskStatusStore {
  const store = useContext(TaskStatusContext);
  if (store === null) throw new Error("useTaskStatus needs a TaskStatusProvider");
  return store;
}

/** One task's status: a narrow selector, so a change re-renders only the node it concerns. */
export function useTaskStatus(key: string): TaskRunStatus | undefined {
  return useStore(useTaskStatusStore(), (state) => state.statuses[key]);
}
