export {
  type BuiltContext,
  ContextService,
  DEFAULT_LLM_MODEL,
  describeDiff,
  type StoredSnapshotBody,
} from "./services/context-service.ts";
export type { EventFilter, EventSubscription } from "./services/event-follower.ts";
export { checkHealth, type HealthReport } from "./services/health.ts";
export {
  type ActorInput,
  OperatorService,
  type RerunInput,
  type RerunResult,
} from "./services/operator-service.ts";
export {
  type EditBase,
  type EditResult,
  PlanEditor,
  type PlanView,
  StalePlanVersionError,
} from "./services/plan-editor.ts";
export {
  paramTexts,
  ScheduleService,
  type ScheduleView,
  UPCOMING_FIRES,
} from "./services/schedule-service.ts";
export {
  type ImportedPlan,
  type LlmOptions,
  type RunOptions,
  type RunOutcome,
  Taskloom,
  type TaskloomOptions,
} from "./taskloom.ts";
