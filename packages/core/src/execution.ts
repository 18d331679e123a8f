/**
 * The contract between the scheduler (which decides what runs) and the executor (which runs it). Both import
 * it from here so neither depends on the other.
 */
import type { FailureReason, ParamValue, SweepPoint, TaskDefinition, UpstreamOutput } from "./types.ts";

/** Where a log line came from: the process's own streams, or the executor itself. */
export type LogStream = "stdout" | "stderr" | "system";

/** One attempt of one task, with everything the executor needs: it reads no storage of its own. */
export interface ExecutionRequest {
  runId: string;
  planSlug: string;
  taskKey: string;
  /** Counts from 1. */
  attempt: number;
  definition: TaskDefinition;
  /** Effective params: plan defaults, then task params, then run params. */
  params: Record<string, ParamValue>;
  /** Outputs of the `requires` upstreams, by task key. */
  upstream: Record<string, UpstreamOutput>;
  /** A sweep point's index and own params; a shell step gets them in `TASKLOOM_PARAMS_FILE`. Default none. */
  point?: SweepPoint;
  /** Directory a relative `cwd` resolves against; null means `process.cwd()`. */
  baseDir: string | null;
  /** Aborting it cancels the attempt: it stops and the result is `cancelled`. Default: never cancelled. */
  signal?: AbortSignal;
  /**
   * The worker running the attempt. Shell steps tag their supervisor process with it, so that whoever takes
   * back a dead worker's leases on the same host can end what is left of its attempts first. Default none.
   */
  ownerId?: string;
  /**
   * How long a stopped attempt has to end, in ms: a shell step's process group between SIGTERM and SIGKILL, a
   * function handler between its aborted `ctx.signal` and the attempt's end without it. Default 5000.
   */
  killGraceMs?: number;
  /**
   * Receives output as it arrives, in order per stream; the caller batches it. It must not throw: an
   * exception is swallowed so that a faulty log sink cannot crash the attempt. Default: output is dropped.
   */
  onLog?: (stream: LogStream, text: string) => void;
  /**
   * Environment a shell step starts from, before its own variables are added. The composition root can
   * pass a filtered copy to keep the worker's own secrets away from task processes. Default `process.env`.
   */
  baseEnv?: Record<string, string | undefined>;
  /**
   * Extends this attempt's lease now (a function handler's `ctx.heartbeat()`); it must not reject. Default: a
   * no-op (the worker's own heartbeat still runs every lease/3).
   */
  heartbeat?: () => Promise<void>;
}

export type ExecutionStatus = "succeeded" | "failed" | "cancelled";

export interface ExecutionResult {
  status: ExecutionStatus;
  /** The process's exit code; null when it was killed by a signal, never started, or the task is not a process. */
  exitCode: number | null;
  /** Stdout trimmed, or the response body; over 1 MiB it is cut and ends with a truncation marker. */
  outputText: string | null;
  /** Canonical JSON text of the output when it is JSON, else null. */
  outputJson: string | null;
  /** What went wrong, on one line where possible; null on success. */
  error: string | null;
  /** Why the attempt did not succeed; null on success. */
  reason: FailureReason | null;
  /** Wall time of the attempt, measured on a monotonic clock. */
  durationMs: number;
}

/** Runs one attempt of one kind of task. It must resolve, never reject: every failure is a result. */
export type TaskExecutor = (req: ExecutionRequest) => Promise<ExecutionResult>;
