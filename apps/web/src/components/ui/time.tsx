"use client";

import { useEffect, useState } from "react";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 31_536_000_000],
  ["month", 2_592_000_000],
  ["week", 604_800_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const absolute = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

export function formatRelative(at: number, now: number): string {
  const diff = at - now;
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === "second") {
      const value = Math.round(diff / ms);
      if (unit === "second" && Math.abs(value) < 10) return "just now";
      return relative.format(value, unit);
    }
  }
  return "just now";
}

export function formatAbsolute(at: number): string {
  return absolute.format(at);
}

/** The current time, ticking every `intervalMs` while mounted (elapsed counters, "3 minutes ago"). */
export function useNow(intervalMs = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

/** "3 minutes ago", with the exact time on hover; rendered after mount so server and client agree. */
export function RelativeTime({ at, className }: { at: number; className?: string }) {
  const now = useNow(30_000);
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <time
      dateTime={new Date(at).toISOString()}
      title={formatAbsolute(at)}
      className={className}
      suppressHydrationWarning
    >
      {mounted ? formatRelative(at, now) : formatAbsolute(at)}
    </time>
  );
}
