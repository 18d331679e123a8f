"use client";

import { useCallback, useMemo, useState } from "react";

export interface PinnedTasks {
  has(key: string): boolean;
  add(keys: readonly string[]): void;
  clear(): void;
  count: number;
}

const storageKey = (planSlug: string) => `taskloom:pinned:${planSlug}`;

function read(planSlug: string): ReadonlySet<string> {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey(planSlug)) ?? "[]") as unknown;
    return new Set(
      Array.isArray(stored) ? stored.filter((key): key is string => typeof key === "string") : [],
    );
  } catch {
    return new Set();
  }
}

function write(planSlug: string, keys: ReadonlySet<string>): void {
  try {
    if (keys.size === 0) localStorage.removeItem(storageKey(planSlug));
    else localStorage.setItem(storageKey(planSlug), JSON.stringify([...keys]));
  } catch {
    // Storage full or denied: the pins last as long as the page.
  }
}

/**
 * The tasks of a plan that the person placed by hand (dragged or nudged), remembered in this browser
 * (localStorage), so that a re-layout after new links leaves them where they were put.
 */
export function usePinnedTasks(planSlug: string): PinnedTasks {
  const [state, setState] = useState(() => ({
    planSlug,
    keys: typeof window === "undefined" ? new Set<string>() : read(planSlug),
  }));
  const keys = state.planSlug === planSlug ? state.keys : read(planSlug);
  const add = useCallback(
    (added: readonly string[]) =>
      setState((current) => {
        const base = current.planSlug === planSlug ? current.keys : read(planSlug);
        if (added.every((key) => base.has(key))) return current;
        const next = new Set([...base, ...added]);
        write(planSlug, next);
        return { planSlug, keys: next };
      }),
    [planSlug],
  );
  const clear = useCallback(() => {
    write(planSlug, new Set());
    setState({ planSlug, keys: new Set() });
  }, [planSlug]);
  return useMemo(
    () => ({ has: (key: string) => keys.has(key), add, clear, count: keys.size }),
    [keys, add, clear],
  );
}
