import { create } from "zustand";
import type { StaleVersion } from "../../trpc/errors.ts";

interface StaleEditState {
  stale: StaleVersion | null;
  report(stale: StaleVersion): void;
  clear(): void;
}

/** The last edit refused as stale, shown as a banner that offers a reload (set from the mutation cache). */
export const useStaleEdit = create<StaleEditState>()((set) => ({
  stale: null,
  report: (stale) => set({ stale }),
  clear: () => set({ stale: null }),
}));
