import type { EventRecord } from "@taskloom/core";

/** The event type every operator action writes (with who and why): what a run's audit trail lists. */
export const OPERATOR_ACTION_EVENT = "operator.action";

/**
 * Whether a batch of streamed events adds to `runId`'s audit trail: an operator action on that run, from this
 * tab, another one, the CLI or the API. The trail is then read again; other events leave it alone.
 */
export function touchesAuditTrail(runId: string, events: readonly EventRecord[]): boolean {
  return events.some((event) => event.type === OPERATOR_ACTION_EVENT && event.runId === runId);
}
