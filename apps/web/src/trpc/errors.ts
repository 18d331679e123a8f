import { TRPCClientError } from "@trpc/client";

export interface PlanIssueData {
  path: string;
  /** Segments of the path (`["tasks", "a", "timeout"]`); for a missing field, that field's. */
  fieldPath: (string | number)[];
  /** What kind of problem (`unknown_field`, `required`, `invalid_duration`, …): see `PlanIssueCode`. */
  code: string;
  message: string;
  line?: number;
  column?: number;
}

interface ErrorData {
  code?: string;
  httpStatus?: number;
  planIssues?: PlanIssueData[] | null;
  cycle?: string[] | null;
  staleVersion?: StaleVersion | null;
  formErrors?: { field: string; message: string }[] | null;
}

/** An edit refused because the plan moved on: the version it started from and the current one. */
export interface StaleVersion {
  base: number;
  current: number;
}

function dataOf(error: unknown): ErrorData | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null ? (data as ErrorData) : null;
}

/** The plan-file problems a BAD_REQUEST carries (`error.data.planIssues`), if any. */
export function planIssuesOf(error: unknown): PlanIssueData[] | null {
  const issues = dataOf(error)?.planIssues;
  return Array.isArray(issues) && issues.length > 0 ? issues : null;
}

/** The cycle a refused `requires` link would close (`error.data.cycle`), if that is why it failed. */
export function cycleOf(error: unknown): string[] | null {
  const cycle = dataOf(error)?.cycle;
  return Array.isArray(cycle) && cycle.length > 0 ? cycle : null;
}

/** Set when an edit was refused because the plan changed since this tab loaded it. */
export function staleVersionOf(error: unknown): StaleVersion | null {
  const stale = dataOf(error)?.staleVersion;
  return stale && typeof stale.base === "number" && typeof stale.current === "number" ? stale : null;
}

/** The refused approval form values, one message per field (`error.data.formErrors`), if that is why. */
export function formErrorsOf(error: unknown): { field: string; message: string }[] | null {
  const fields = dataOf(error)?.formErrors;
  return Array.isArray(fields) && fields.length > 0 ? fields : null;
}

export function errorCodeOf(error: unknown): string | null {
  return dataOf(error)?.code ?? null;
}

/** 4xx: asking again will not help. */
export function isClientError(error: unknown): boolean {
  const status = dataOf(error)?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}

/** One line for a toast or an error state. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
