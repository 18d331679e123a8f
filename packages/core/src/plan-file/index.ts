export { APPROVAL_TASK_FIELDS, approvalSpecFile } from "./approval-task.ts";
export { canonicalJson } from "./canonical-json.ts";
export { exclusiveKey, renderConcurrency } from "./concurrency.ts";
export { DEFAULT_QUEUE, DEFAULT_RETRY_POLICY, MAX_NESTING_DEPTH, MAX_SLUG_LENGTH } from "./defaults.ts";
export { formatDuration, parseDuration } from "./duration.ts";
export { effectiveParams, resolveRunParams } from "./params.ts";
export {
  declaredParamsOf,
  parseScheduleObject,
  SCHEDULE_FIELDS,
  SCHEDULE_NAME_PATTERN,
  scheduleToDocument,
} from "./schedules.ts";
export { planToDocument, serializePlan, taskToDocument } from "./serialize.ts";
export { sweepFile } from "./sweep-field.ts";
export {
  type PlanTextOptions,
  type PlanValidationResult,
  parsePlanObject,
  parsePlanText,
  validatePlanObject,
  validatePlanText,
} from "./validate.ts";
