export {
  type ImportedPlan,
  type RunOptions,
  type RunOutcome,
  Taskloom,
  type TaskloomOptions,
} from "./taskloom.ts";
