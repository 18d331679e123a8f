"use client";

import { useEffect } from "react";
import { create } from "zustand";
import { cx } from "./class-names.ts";
import { CloseIcon } from "./icons.tsx";

export interface Toast {
  id: number;
  tone: "success" | "error" | "info";
  title: string;
  detail?: string;
}

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, "id">): void;
  dismiss(id: number): void;
}

let nextToastId = 1;

const useToasts = create<ToastState>()((set) => ({
  toasts: [],
  push(toast) {
    const id = nextToastId++;
    // Keep the last few: a burst of failures should not bury the page.
    set((state) => ({ toasts: [...state.toasts.slice(-3), { ...toast, id }] }));
  },
  dismiss(id) {
    set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
  },
}));

/** Short feedback for an action done elsewhere on the page (saved, refused, started). */
export const toast = {
  success: (title: string, detail?: string) =>
    useToasts.getState().push({ tone: "success", title, ...(detail ? { detail } : {}) }),
  error: (title: string, detail?: string) =>
    useToasts.getState().push({ tone: "error", title, ...(detail ? { detail } : {}) }),
  info: (title: string, detail?: string) =>
    useToasts.getState().push({ tone: "info", title, ...(detail ? { detail } : {}) }),
};

const TONES = {
  success: "border-emerald-200 bg-white before:bg-emerald-500",
  error: "border-rose-200 bg-white before:bg-rose-500",
  info: "border-slate-200 bg-white before:bg-indigo-500",
} as const;

function ToastItem({ item }: { item: Toast }) {
  const dismiss = useToasts((state) => state.dismiss);
  useEffect(() => {
    // Errors stay longer: they usually need reading.
    const timer = setTimeout(() => dismiss(item.id), item.tone === "error" ? 9000 : 4000);
    return () => clearTimeout(timer);
  }, [dismiss, item.id, item.tone]);
  return (
    <li
      className={cx(
        "pointer-events-auto relative flex w-96 max-w-[calc(100vw-2rem)] gap-3 overflow-hidden rounded-lg border py-3 pr-3 pl-4 shadow-lg",
        "before:absolute before:inset-y-0 before:left-0 before:w-1",
        TONES[item.tone],
      )}
    >
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium text-slate-900">{item.title}</p>
        {item.detail && <p className="mt-0.5 text-sm break-words text-slate-600">{item.detail}</p>}
      </div>
      <button
        type="button"
        aria-label="Dismiss"
        onClick={() => dismiss(item.id)}
        className="self-start text-slate-400 hover:text-slate-700"
      >
        <CloseIcon size={14} />
      </button>
    </li>
  );
}

export function Toaster() {
  const toasts = useToasts((state) => state.toasts);
  return (
    <div
      aria-live="polite"
      aria-relevant="additions"
      className="pointer-events-none fixed right-4 bottom-4 z-50"
    >
      <ul className="flex flex-col gap-2">
        {toasts.map((item) => (
          <ToastItem key={item.id} item={item} />
        ))}
      </ul>
    </div>
  );
}
