import {
  ApprovalNotWaitingError,
  type ApprovalStore,
  type Clock,
  type Logger,
  logRetriedFailure,
} from "@taskloom/core";
import { PeriodicTick } from "./periodic-tick.ts";

/** What the approval timeout system shares with its process; time is injected. */
export interface ApprovalTimeoutResources {
  approvals: ApprovalStore;
  clock: Clock;
  logger: Logger;
}

export interface ApprovalTimeoutOptions {
  /** How often waiting approvals are checked for a passed timeout, in ms. Default 1000. */
  tickMs?: number;
}

/** What one tick did, for tests and logs. */
export interface ApprovalTimeoutTick {
  /** Task runs whose timeout this process applied, in order. */
  decided: number[];
  /** Due approvals someone else decided first (a person, or another process's timeout system). */
  lost: number;
}

/** The actor recorded on decisions the timeout makes. */
export const TIMEOUT_ACTOR = "timeout";

/**
 * Applies approval timeouts: every `tickMs` it reads the waiting approvals, and each whose deadline has passed
 * by the clock's `now` gets its `onTimeout` outcome (approve with the form's defaults, or reject) through the
 * store's decision, whose guarded move out of `waiting` is the compare-and-set: with several processes running
 * this system, and a person deciding at the same moment, exactly one decision is recorded and the others get
 * `ApprovalNotWaitingError`, counted as `lost`. Nothing is kept between ticks, so a timeout that passed while
 * every process was stopped applies at the first tick after a restart.
 */
export class ApprovalTimeoutSystem {
  readonly #resources: ApprovalTimeoutResources;
  readonly #loop: PeriodicTick<ApprovalTimeoutTick>;

  constructor(resources: ApprovalTimeoutResources, options: ApprovalTimeoutOptions = {}) {
    this.#resources = resources;
    this.#loop = new PeriodicTick(
      () => this.#tick(),
      options.tickMs ?? 1000,
      (error) => logRetriedFailure(resources.logger, error, "approval timeout tick failed"),
    );
  }

  /** Ticks now and then every `tickMs` until `stop()`. The timer does not hold the process open. */
  start(): void {
    this.#loop.start();
  }

  /** Stops ticking and waits for a tick in progress. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One pass at the clock's `now` (after any pass in progress). Tests call it directly with an injected clock. */
  tick(): Promise<ApprovalTimeoutTick> {
    return this.#loop.tick();
  }

  async #tick(): Promise<ApprovalTimeoutTick> {
    const { approvals, clock, logger } = this.#resources;
    const now = clock.now();
    const result: ApprovalTimeoutTick = { decided: [], lost: 0 };
    for (const approval of await approvals.listWaitingApprovals()) {
      if (approval.deadline === null || approval.deadline > now) continue;
      try {
        const decided = await approvals.decideApproval({
          runId: approval.runId,
          taskKey: approval.taskKey,
          decision: approval.onTimeout,
          actor: TIMEOUT_ACTOR,
          comment: null,
          values: {},
          timedOut: true,
          now,
        });
        result.decided.push(decided.taskRunId);
        logger.info(
          { runId: approval.runId, taskKey: approval.taskKey, decision: approval.onTimeout },
          "approval timed out",
        );
      } catch (error) {
        if (!(error instanceof ApprovalNotWaitingError)) throw error;
        result.lost += 1;
      }
    }
    return result;
  }
}
