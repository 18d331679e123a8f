export {
  type ApprovalTimeoutOptions,
  type ApprovalTimeoutResources,
  ApprovalTimeoutSystem,
  type ApprovalTimeoutTick,
  TIMEOUT_ACTOR,
} from "./approval-timeout-system.ts";
export { LogBuffer } from "./log-buffer.ts";
export { isProcessAlive } from "./process-liveness.ts";
export { decideOutcome } from "./retry-decision.ts";
export {
  ScheduleSystem,
  type ScheduleSystemOptions,
  type ScheduleSystemResources,
  type TickResult,
} from "./schedule-system.ts";
export * from "./types.ts";
export { Worker } from "./worker.ts";
