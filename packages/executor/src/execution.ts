export type {
  ExecutionRequest,
  ExecutionResult,
  ExecutionStatus,
  LogStream,
  TaskExecutor,
} from "@taskloom/core";

/** SIGTERM → SIGKILL grace when the request does not set one. */
export const DEFAULT_KILL_GRACE_MS = 5000;
