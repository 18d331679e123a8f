import type { ReactNode } from "react";
import { Button } from "./button.tsx";
import { cx } from "./class-names.ts";
import { AlertIcon } from "./icons.tsx";
import { Spinner } from "./spinner.tsx";

/** What a list or page shows when there is nothing yet, with the action that fixes that. */
export function EmptyState({
  icon,
  title,
  children,
  actions,
  className,
}: {
  icon?: ReactNode;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cx("flex flex-col items-center justify-center gap-3 px-6 py-14 text-center", className)}>
      {icon && (
        <div className="flex size-12 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">
          {icon}
        </div>
      )}
      <h3 className="text-base font-semibold text-slate-800">{title}</h3>
      {children && <div className="max-w-md text-sm text-slate-500">{children}</div>}
      {actions && <div className="mt-2 flex flex-wrap justify-center gap-2">{actions}</div>}
    </div>
  );
}

/** A failed load: what went wrong, and a way to try again. */
export function ErrorState({
  title = "Something went wrong",
  error,
  onRetry,
  className,
}: {
  title?: ReactNode;
  error: unknown;
  onRetry?: () => void;
  className?: string;
}) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div
      role="alert"
      className={cx("flex flex-col items-center justify-center gap-3 px-6 py-14 text-center", className)}
    >
      <div className="flex size-12 items-center justify-center rounded-full bg-rose-50 text-rose-600">
        <AlertIcon size={22} />
      </div>
      <h3 className="text-base font-semibold text-slate-800">{title}</h3>
      <p className="max-w-lg font-mono text-xs break-words text-slate-600">{message}</p>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function LoadingState({ label = "Loading…", className }: { label?: string; className?: string }) {
  return (
    <div
      role="status"
      className={cx("flex items-center justify-center gap-2 py-14 text-sm text-slate-500", className)}
    >
      <Spinner />
      {label}
    </div>
  );
}

/** A grey placeholder block with the shape of what is loading. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cx("animate-pulse rounded bg-slate-200/80", className)} />;
}

/** An inline banner for a problem next to what caused it (a refused link, an invalid import). */
export function Callout({
  tone = "error",
  title,
  children,
  onDismiss,
  className,
}: {
  tone?: "error" | "warning" | "info";
  title?: ReactNode;
  children?: ReactNode;
  onDismiss?: () => void;
  className?: string;
}) {
  const tones = {
    error: "border-rose-200 bg-rose-50 text-rose-800",
    warning: "border-amber-200 bg-amber-50 text-amber-900",
    info: "border-sky-200 bg-sky-50 text-sky-900",
  } as const;
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cx("flex gap-2 rounded-md border px-3 py-2 text-sm", tones[tone], className)}
    >
      <AlertIcon size={16} className="mt-0.5 shrink-0" />
      <div className="min-w-0 flex-1">
        {title && <p className="font-medium">{title}</p>}
        {children && <div className={cx(title ? "mt-0.5" : undefined)}>{children}</div>}
      </div>
      {onDismiss && (
        <button
          type="button"
          onClick={onDismiss}
          className="self-start text-xs font-medium underline underline-offset-2"
        >
          Dismiss
        </button>
      )}
    </div>
  );
}

/**
 * The loading frame of a full-height page (editor, run monitor): a header bar of placeholders and a spinner
 * where the canvas goes, with an optional side panel, so the layout does not jump when the data arrives.
 */
export function PageSkeleton({
  label,
  header,
  sidePanel = false,
}: {
  label: string;
  /** Tailwind classes of the header's placeholder bars, left to right. */
  header: string[];
  sidePanel?: boolean;
}) {
  return (
    <div className="flex min-h-0 flex-1 flex-col" aria-busy="true">
      <div className="flex h-12 items-center gap-3 border-b border-slate-200 bg-white px-4">
        {header.map((className) => (
          <Skeleton key={className} className={className} />
        ))}
      </div>
      <div className="flex min-h-0 flex-1">
        <div className="flex flex-1 items-center justify-center gap-2 text-sm text-slate-500">
          <Spinner /> <span>{label}</span>
        </div>
        {sidePanel && (
          <div className="w-[400px] border-l border-slate-200 bg-white p-4">
            <Skeleton className="mb-3 h-5 w-32" />
            <Skeleton className="mb-2 h-8 w-full" />
            <Skeleton className="h-8 w-full" />
          </div>
        )}
      </div>
    </div>
  );
}
