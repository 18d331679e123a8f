"use client";

import type { TaskRunStatus } from "@taskloom/core";
import { createContext, type ReactNode, useContext } from "react";
import { useStore } from "zustand";
import type { TaskStatusStore } from "../../graph/task-status-store.ts";

const TaskStatusContext = createContext<TaskStatusStore | null>(null);

export function TaskStatusProvider({ store, children }: { store: TaskStatusStore; children: ReactNode }) {
  return <TaskStatusContext.Provider value={store}>{children}</TaskStatusContext.Provider>;
}

/** One task's status: a narrow selector, so a change re-renders only the node it concerns. */
export function useTaskStatus(key: string): TaskRunStatus | undefined {
  const store = useContext(TaskStatusContext);
  if (store === null) throw new Error("useTaskStatus needs a TaskStatusProvider");
  return useStore(store, (state) => state.statuses[key]);
}
