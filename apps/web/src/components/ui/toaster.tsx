"use client";

import * as RadixToast from "@radix-ui/react-toast";
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
  return (
    <RadixToast.Root
      // Errors stay longer: they usually need reading (Radix pauses the timer while hovered or focused).
      duration={item.tone === "error" ? 9000 : 4000}
      type={item.tone === "error" ? "foreground" : "background"}
      onOpenChange={(open) => {
        if (!open) dismiss(item.id);
      }}
      data-testid="toast"
      className={cx(
        "relative flex w-80 max-w-[calc(100vw-2rem)] gap-3 overflow-hidden rounded-lg border py-2.5 pr-3 pl-4 shadow-lg",
        "before:absolute before:inset-y-0 before:left-0 before:w-1",
        TONES[item.tone],
      )}
    >
      <div className="min-w-0 flex-1">
        <RadixToast.Title className="text-sm font-medium text-slate-900">{item.title}</RadixToast.Title>
        {item.detail && (
          <RadixToast.Description className="mt-0.5 text-sm break-words text-slate-600">
            {item.detail}
          </RadixToast.Description>
        )}
      </div>
      <RadixToast.Close aria-label="Dismiss" className="self-start text-slate-400 hover:text-slate-700">
        <CloseIcon size={14} />
      </RadixToast.Close>
    </RadixToast.Root>
  );
}

/**
 * Toasts on Radix UI's Toast (announced politely, F8 reaches them, a swipe or × dismisses them). They sit at
 * the bottom centre of the window: forms and their submit buttons are in the side panels and dialogs, the
 * canvas controls and minimap in the bottom corners, so the middle of the bottom edge covers no control.
 */
export function Toaster() {
  const toasts = useToasts((state) => state.toasts);
  return (
    <RadixToast.Provider swipeDirection="down" label="Notification">
      {toasts.map((item) => (
        <ToastItem key={item.id} item={item} />
      ))}
      <RadixToast.Viewport className="fixed bottom-3 left-1/2 z-50 flex -translate-x-1/2 flex-col gap-2 outline-none" />
    </RadixToast.Provider>
  );
}
