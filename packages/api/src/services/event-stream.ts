import type { EventRecord, EventStore, SchedulerStore } from "@taskloom/core";

export interface EventStreamFilter {
  /** Only this run's events. */
  runId?: string;
  /** Only events of this plan's runs, and the plan's own edits. */
  planSlug?: string;
  /** Resume after this event id (what the client saw last). Default: from now on. */
  lastEventId?: number;
}

export interface EventStreamDeps {
  store: EventStore & Pick<SchedulerStore, "onChange">;
  planOfRun(runId: string): Promise<string | null>;
  /** How often to look for events committed by other processes, in ms. */
  pollMs: number;
}

const PAGE = 500;

/**
 * The live event stream: every event after `lastEventId`, in id order, never lost or duplicated across
 * reconnects (the id is the resume point). Woken at once by commits in this process and by a short poll for
 * commits of other processes (a worker elsewhere); the poll is an index seek on the primary key.
 */
export async function* streamEvents(
  deps: EventStreamDeps,
  filter: EventStreamFilter,
  signal: AbortSignal | undefined,
): AsyncGenerator<EventRecord> {
  let lastId = filter.lastEventId ?? (await deps.store.lastEventId());
  const planByRun = new Map<string, string | null>();
  const matchesPlan = async (event: EventRecord): Promise<boolean> => {
    if (!filter.planSlug) return true;
    if (event.type === "plan.imported" || event.type === "plan.updated")
      return event.data?.slug === filter.planSlug;
    if (!event.runId) return false;
    if (!planByRun.has(event.runId)) planByRun.set(event.runId, await deps.planOfRun(event.runId));
    return planByRun.get(event.runId) === filter.planSlug;
  };
  while (!signal?.aborted) {
    const events = await deps.store.readEvents({
      afterId: lastId,
      limit: PAGE,
      ...(filter.runId ? { runId: filter.runId } : {}),
    });
    for (const event of events) {
      lastId = event.id;
      if (await matchesPlan(event)) yield event;
    }
    if (events.length === PAGE) continue;
    await nextWakeUp(deps, signal);
  }
}

function nextWakeUp(deps: EventStreamDeps, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, deps.pollMs);
    const off = deps.store.onChange(done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
