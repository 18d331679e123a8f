export {
  buildContextBundle,
  CHAT_OVERHEAD_TOKENS,
  DEFAULT_CONTEXT_WINDOW,
  DEFAULT_OUTPUT_RESERVE,
  memoryCache,
} from "./bundle.ts";
export { DEFAULT_SIBLING_LIMIT } from "./candidates.ts";
export {
  type ScoredText,
  type SummaryOptions,
  scoreText,
  splitUnits,
  summarize,
  type TextUnit,
} from "./extractive-summary.ts";
export { canonicalHash, sha256 } from "./hash.ts";
export {
  memoryEmbeddingCache,
  type RetrievalDoc,
  type RetrievalHit,
  RetrievalIndex,
  retrievalDocs,
} from "./retrieval.ts";
export {
  type ApprovalCheck,
  type ContextPreview,
  type ContextSnapshot,
  checkApproval,
  contextPreview,
  diffSnapshots,
  type SnapshotChange,
  type SnapshotDiff,
  type SnapshotItem,
  type SnapshotItemDiff,
  toSnapshot,
} from "./snapshot.ts";
export {
  CONTEXT_HEADING,
  type CompiledPrompt,
  compilePrompt,
  DEFAULT_SYSTEM_PROMPT,
  INSTRUCTIONS,
  itemHeader,
  renderContext,
  renderItem,
  renderTaskSection,
  TEMPLATE_VERSION,
} from "./template.ts";
export { termsOf } from "./terms.ts";
export * from "./types.ts";
