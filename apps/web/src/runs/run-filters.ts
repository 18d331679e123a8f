import { RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from "@taskloom/core";

export const TIME_RANGES = ["any", "1h", "24h", "7d", "30d", "custom"] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

/** The runs page's filters, as they live in the URL (so a filtered view can be shared and reloaded). */
export interface RunFilters {
  plan: string | null;
  status: RunStatus | null;
  trigger: RunTrigger | null;
  range: TimeRange;
  /** `YYYY-MM-DD`, for the custom range (inclusive days, local time). */
  from: string | null;
  to: string | null;
  search: string;
}

export const NO_FILTERS: RunFilters = {
  plan: null,
  status: null,
  trigger: null,
  range: "any",
  from: null,
  to: null,
  search: "",
};

const RANGE_MS: Record<Exclude<TimeRange, "any" | "custom">, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseRunFilters(params: URLSearchParams): RunFilters {
  const from = params.get("from");
  const to = params.get("to");
  return {
    plan: params.get("plan") || null,
    status: oneOf(RUN_STATUSES, params.get("status")),
    trigger: oneOf(RUN_TRIGGERS, params.get("trigger")),
    range: oneOf(TIME_RANGES, params.get("range")) ?? "any",
    from: from !== null && DAY.test(from) ? from : null,
    to: to !== null && DAY.test(to) ? to : null,
    search: params.get("q") ?? "",
  };
}

export function runFiltersToSearch(filters: RunFilters): string {
  const params = new URLSearchParams();
  if (filters.plan) params.set("plan", filters.plan);
  if (filters.status) params.set("status", filters.status);
  if (filters.trigger) params.set("trigger", filters.trigger);
  if (filters.range !== "any") params.set("range", filters.range);
  if (filters.range === "custom" && filters.from) params.set("from", filters.from);
  if (filters.range === "custom" && filters.to) params.set("to", filters.to);
  if (filters.search.trim()) params.set("q", filters.search.trim());
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** Local midnight of a `YYYY-MM-DD` day, in epoch ms. */
function dayStart(day: string): number {
  const [year = 1970, month = 1, date = 1] = day.split("-").map(Number);
  return new Date(year, month - 1, date).getTime();
}

/** The `runs.list` input for the filters (without the cursor); `now` anchors relative ranges. */
export function runListInput(filters: RunFilters, now: number) {
  const input: {
    planSlug?: string;
    status?: RunStatus;
    trigger?: RunTrigger;
    from?: number;
    to?: number;
    search?: string;
    limit: number;
  } = { limit: 50 };
  if (filters.plan) input.planSlug = filters.plan;
  if (filters.status) input.status = filters.status;
  if (filters.trigger) input.trigger = filters.trigger;
  if (filters.range === "custom") {
    if (filters.from) input.from = dayStart(filters.from);
    // `to` is inclusive: up to the end of that day.
    if (filters.to) input.to = dayStart(filters.to) + 86_400_000 - 1;
  } else if (filters.range !== "any") {
    input.from = Math.max(0, now - RANGE_MS[filters.range]);
  }
  const search = filters.search.trim();
  if (search) input.search = search.slice(0, 200);
  return input;
}

/** Relative ranges move with time; round `now` so the query key stays put for a minute. */
export function roundedNow(now: number): number {
  return Math.floor(now / 60_000) * 60_000;
}

/**
 * What to loosen when the filters match no run, naming only the filters that are set (an empty search with no
 * time range set must not suggest a wider one).
 */
export function emptyResultHint(filters: RunFilters): string {
  const loosen: string[] = [];
  if (filters.range !== "any") loosen.push("a wider time range");
  if (filters.status) loosen.push("another status");
  if (filters.plan) loosen.push("all plans");
  if (filters.trigger) loosen.push("any trigger");
  const search = filters.search.trim();
  const searched = search ? `No task key or output contains “${search}”` : "";
  if (loosen.length === 0) return searched ? `${searched}.` : "";
  const tries = `Try ${loosen.join(", ")}${search ? ", or another search" : ""}.`;
  return searched ? `${searched} here. ${tries}` : tries;
}
