"use client";

import { createContext, type ReactNode, useContext } from "react";
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";

/** `n/N` points done per swept task key, of the run the canvas shows. */
export type SweepProgressStore = StoreApi<{ progress: Readonly<Record<string, string>> }>;

export function createSweepProgressStore(): SweepProgressStore {
  return createStore(() => ({ progress: {} as Readonly<Record<string, string>> }));
}

// Canvases without a run (the editor) read an empty store: no node shows a count.
const empty = createSweepProgressStore();
const SweepProgressContext = createContext<SweepProgressStore>(empty);

export function SweepProgressProvider({
  store,
  children,
}: {
  store: SweepProgressStore;
  children: ReactNode;
}) {
  return <SweepProgressContext.Provider value={store}>{children}</SweepProgressContext.Provider>;
}

/** One swept task's `n/N`: a narrow selector (a string), so a point finishing re-renders only its node. */
export function useSweepProgress(key: string): string | undefined {
  return useStore(useContext(SweepProgressContext), (state) => state.progress[key]);
}
