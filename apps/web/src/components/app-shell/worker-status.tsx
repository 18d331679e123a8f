"use client";

import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { cx } from "../ui/class-names.ts";

const healthSchema = z.object({
  ok: z.boolean(),
  database: z.object({ ok: z.boolean(), location: z.string() }).optional(),
  workers: z.array(z.object({ id: z.string(), alive: z.boolean() }).loose()).optional(),
});

async function fetchHealth() {
  const response = await fetch("/api/health", { cache: "no-store" });
  return healthSchema.parse(await response.json());
}

/** The server's health, shared by every component that asks (one request per interval). */
export function useHealth() {
  return useQuery({ queryKey: ["health"], queryFn: fetchHealth, refetchInterval: 15_000, retry: false });
}

/**
 * Whether anything will execute the runs started here: a run with no live worker stays queued, and that
 * is the first thing to know when "nothing happens".
 */
export function WorkerStatus() {
  const health = useQuery({
    queryKey: ["health"],
    queryFn: fetchHealth,
    refetchInterval: 15_000,
    retry: false,
  });
  if (health.isPending) return null;
  const workers = health.data?.workers;
  const alive = workers?.filter((worker) => worker.alive).length ?? 0;
  const databaseOk = health.data?.ok === true;
  const tone = !databaseOk ? "bad" : workers === undefined ? "neutral" : alive > 0 ? "good" : "warn";
  const label = !databaseOk
    ? "Database unavailable"
    : workers === undefined
      ? "Connected"
      : alive > 0
        ? `${alive} worker${alive === 1 ? "" : "s"} live`
        : "No live worker";
  const title =
    tone === "warn"
      ? "No worker is running: new runs stay queued until one starts (taskloom worker)."
      : (health.data?.database?.location ?? undefined);
  return (
    <span
      title={title}
      data-testid="worker-status"
      className={cx(
        "inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium",
        tone === "good" && "bg-emerald-50 text-emerald-700",
        tone === "warn" && "bg-amber-50 text-amber-800",
        tone === "bad" && "bg-rose-50 text-rose-700",
        tone === "neutral" && "bg-slate-100 text-slate-600",
      )}
    >
      <span
        aria-hidden="true"
        className={cx(
          "size-1.5 rounded-full",
          tone === "good" && "bg-emerald-500",
          tone === "warn" && "bg-amber-500",
          tone === "bad" && "bg-rose-500",
          tone === "neutral" && "bg-slate-400",
        )}
      />
      {label}
    </span>
  );
}
