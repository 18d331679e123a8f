/** Schedules one callback for the next frame; `requestAnimationFrame` in the browser. */
export type FrameScheduler = (callback: () => void) => unknown;

export interface FrameBatcher<T> {
  push(item: T): void;
  /** Delivers what is pending now (used on unmount and in tests). */
  flush(): void;
  /** Drops what is pending and stops scheduling. */
  dispose(): void;
}

/**
 * Collects items and hands them over at most once per frame. A run that emits a hundred status changes a
 * second would otherwise re-render the canvas a hundred times; per frame, React does one update.
 */
export function createFrameBatcher<T>(
  deliver: (items: T[]) => void,
  schedule: FrameScheduler = defaultScheduler,
): FrameBatcher<T> {
  let pending: T[] = [];
  let scheduled = false;
  let disposed = false;

  const flush = () => {
    scheduled = false;
    if (disposed || pending.length === 0) return;
    const items = pending;
    pending = [];
    deliver(items);
  };

  return {
    push(item) {
      if (disposed) return;
      pending.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    dispose() {
      disposed = true;
      pending = [];
    },
  };
}

function defaultScheduler(callback: () => void): unknown {
  // Hidden tabs get no animation frames; a timeout keeps events flowing so the tab is current when shown.
  if (typeof document !== "undefined" && document.visibilityState === "hidden") {
    return setTimeout(callback, 250);
  }
  return requestAnimationFrame(() => callback());
}
