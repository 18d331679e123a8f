"use client";

import { useCallback, useMemo, useRef } from "react";

export interface PinnedTasks {
  has(key: string): boolean;
  add(keys: readonly string[]): void;
  clear(): void;
  count(): number;
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
 * (localStorage), so that a re-layout after new links leaves them where they were put. Read from storage on
 * first use, not while the editor mounts: a page's first localStorage access loads the origin's storage,
 * which took tens of milliseconds inside the editor's first render.
 */
export function usePinnedTasks(planSlug: string): PinnedTasks {
  const cache = useRef<{ planSlug: string; keys: ReadonlySet<string> } | null>(null);
  const keys = useCallback((): ReadonlySet<string> => {
    if (cache.current?.planSlug !== planSlug) cache.current = { planSlug, keys: read(planSlug) };
    return cache.current.keys;
  }, [planSlug]);
  const add = useCallback(
    (added: readonly string[]) => {
      const base = keys();
      if (added.every((key) => base.has(key))) return;
      const next = new Set([...base, ...added]);
      write(planSlug, next);
      cache.current = { planSlug, keys: next };
    },
    [planSlug, keys],
  );
  const clear = useCallback(() => {
    write(planSlug, new Set());
    cache.current = { planSlug, keys: new Set() };
  }, [planSlug]);
  return useMemo(
    () => ({ has: (key: string) => keys().has(key), add, clear, count: () => keys().size }),
    [keys, add, clear],
  );
}
