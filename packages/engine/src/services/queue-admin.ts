import {
  BadInputError,
  type Clock,
  type QueuedSelection,
  type QueuedTaskRun,
  type QueueSettings,
  type QueueStore,
} from "@taskloom/core";

/** Most queued task runs one peek returns. */
export const MAX_PEEK = 500;
/** How many queued task runs a peek returns when the caller does not say. */
export const DEFAULT_PEEK = 50;
/** The furthest a reschedule may push a task run: a year. */
const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

/** When a rescheduled task run becomes claimable: a delay from now, an absolute time, or at once (`null`). */
export type RescheduleTo = { delayMs: number } | { at: number } | null;

export interface QueueView extends QueueSettings {
  /** Queued (`ready`) task runs. */
  ready: number;
  running: number;
}

/**
 * Queue admin for the API, the dashboard and the CLI: list, peek in claim order, move, reschedule, cancel,
 * pause and resume. It checks the input (a clear `BadInputError`), stamps times from the engine's clock, and
 * delegates to the store, which applies each change in one transaction on every provider.
 */
export class QueueAdmin {
  readonly #store: QueueStore;
  readonly #clock: Clock;

  constructor(store: QueueStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async list(): Promise<QueueView[]> {
    return this.#store.listQueues();
  }

  /** The next `limit` (default `DEFAULT_PEEK`, at most `MAX_PEEK`) queued task runs of `queue`, in claim order. */
  async peek(queue: string, limit = DEFAULT_PEEK): Promise<QueuedTaskRun[]> {
    checkQueueName(queue, "queue");
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PEEK) {
      throw new BadInputError(`the peek limit must be a whole number from 1 to ${MAX_PEEK}, got ${limit}`);
    }
    return this.#store.peekQueue(queue, { limit, now: this.#clock.now() });
  }

  /** Moves the selected queued task runs to `toQueue`. Returns the ids that moved. */
  async move(selection: QueuedSelection, toQueue: string): Promise<number[]> {
    checkQueueName(toQueue, "the target queue");
    return this.#store.moveQueuedTaskRuns(checkSelection(selection), toQueue, this.#clock.now());
  }

  /** Makes the selected queued task runs unclaimable until `to` (null: claimable at once). */
  async reschedule(selection: QueuedSelection, to: RescheduleTo): Promise<number[]> {
    const now = this.#clock.now();
    let notBefore: number | null = null;
    if (to !== null && "delayMs" in to) {
      if (!Number.isFinite(to.delayMs) || to.delayMs < 0 || to.delayMs > MAX_DELAY_MS) {
        throw new BadInputError("a reschedule delay must be from 0 to 365 days");
      }
      notBefore = now + Math.round(to.delayMs);
    } else if (to !== null) {
      if (!Number.isFinite(to.at) || to.at > now + MAX_DELAY_MS) {
        throw new BadInputError("a reschedule time must be a valid time at most 365 days ahead");
      }
      // A time already past makes the task runs claimable at once, like clearing it.
      notBefore = to.at > now ? Math.round(to.at) : null;
    }
    return this.#store.rescheduleQueuedTaskRuns(checkSelection(selection), notBefore, now);
  }

  /** Cancels the selected queued task runs (their pending dependents are blocked). Returns their ids. */
  async cancel(selection: QueuedSelection): Promise<number[]> {
    return this.#store.cancelQueuedTaskRuns(checkSelection(selection), this.#clock.now());
  }

  /** Stops claiming the queue's task runs (running ones finish). */
  async pause(queue: string): Promise<QueueSettings> {
    checkQueueName(queue, "queue");
    return this.#store.configureQueue(queue, { paused: true });
  }

  async resume(queue: string): Promise<QueueSettings> {
    checkQueueName(queue, "queue");
    return this.#store.configureQueue(queue, { paused: false });
  }
}

function checkQueueName(name: string, what: string): void {
  if (name.trim() === "" || name.length > 200) {
    throw new BadInputError(`${what} must be a name of 1 to 200 characters`);
  }
}

/** A selection must filter by something: an empty one would act on every queued task run. */
function checkSelection(selection: QueuedSelection): QueuedSelection {
  const ids = selection.taskRunIds;
  const { queue, planSlug, runId } = selection;
  if (queue === undefined && ids === undefined && planSlug === undefined && runId === undefined) {
    throw new BadInputError("select queued task runs by queue, plan, run or task run ids");
  }
  if (ids !== undefined) {
    if (ids.length === 0) throw new BadInputError("no task run ids given");
    if (ids.length > 10_000) throw new BadInputError("at most 10000 task run ids at once");
    if (!ids.every((id) => Number.isInteger(id) && id > 0)) {
      throw new BadInputError("task run ids are positive whole numbers");
    }
  }
  if (selection.queue !== undefined) checkQueueName(selection.queue, "queue");
  return selection;
}
