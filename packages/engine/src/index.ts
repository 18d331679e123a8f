// The edit conflict the editor's callers catch; it is thrown by the stores too, so it lives in core.
export { StalePlanVersionError } from "@taskloom/core";
export { ApprovalService, type DecideApprovalInput } from "./services/approval-service.ts";
export type { ItemSearchHit, SearchableItemType } from "./services/context-item-search.ts";
export {
  type BuiltContext,
  type ContextApprovalState,
  ContextService,
  type ContextState,
  DEFAULT_LLM_MODEL,
  describeDiff,
  type StoredSnapshotBody,
} from "./services/context-service.ts";
export { DraftService, type DraftServiceOptions } from "./services/draft-service.ts";
export type { EventFilter, EventSubscription } from "./services/event-follower.ts";
export { checkHealth, type HealthReport } from "./services/health.ts";
export {
  type ActorInput,
  OperatorService,
  type ReplayRunResult,
  type RerunInput,
  type RerunResult,
} from "./services/operator-service.ts";
export {
  DRAFT_SYSTEM_PROMPT,
  MAX_GOAL_LENGTH,
  type PlanDraft,
  PlanDrafter,
  type PlanDrafterOptions,
} from "./services/plan-drafter.ts";
export {
  type EditBase,
  type EditResult,
  type PlanContextChange,
  PlanEditor,
  type PlanView,
} from "./services/plan-editor.ts";
export {
  DEFAULT_PEEK,
  MAX_PEEK,
  QueueAdmin,
  type QueueView,
  type RescheduleTo,
} from "./services/queue-admin.ts";
export {
  paramTexts,
  ScheduleService,
  type ScheduleView,
  UPCOMING_FIRES,
} from "./services/schedule-service.ts";
export {
  type AttemptApproval,
  type AttemptSnapshotView,
  type ReplayOrigin,
  type SnapshotDiffView,
  type SnapshotRef,
  SnapshotService,
  type SnapshotView,
} from "./services/snapshot-service.ts";
export {
  type EngineWorkerOptions,
  type ImportedPlan,
  type LlmOptions,
  type RunOptions,
  type RunOutcome,
  Taskloom,
  type TaskloomOptions,
} from "./taskloom.ts";
