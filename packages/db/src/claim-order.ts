/**
 * The claim order, shared by both stores' claims and the queue peek so that a peek cannot drift from what a
 * claim takes: priority, highest first, then the task run's id (ids follow plan-file order within a run, and
 * runs in creation order). The indexes `(status, priority DESC, id)` and `(run_id, status, priority DESC, id)`
 * serve it without a sort.
 */
export function claimOrder(alias?: string): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return `${column("priority")} DESC, ${column("id")} ASC`;
}

/**
 * The condition a ready task run must also meet to be claimed at `now` (a placeholder of the caller's SQL):
 * not rescheduled past it, and, with a concurrency key, fewer than its limit of attempts of that key running.
 * The count is an index seek on `(concurrency_key, status)`, made only for task runs that have a key. It
 * keeps a key that is full out of the claim's candidate window, so that a thousand waiting runs of one
 * exclusive task cannot hide the other work behind them. Both providers run the same text.
 */
export function claimableAt(now: string, alias = "t"): string {
  return `(${alias}.not_before IS NULL OR ${alias}.not_before <= ${now})
    AND (${alias}.concurrency_key IS NULL OR ${keyRunning(alias)} < ${alias}.concurrency_limit)`;
}

/**
 * The condition a ready task run must also meet for this worker: it names no handler (every kind but
 * `function`), or one the worker registered. `isListed` tests a column against the worker's handler list in
 * the provider's own syntax. A null test on the row, so other kinds pay nothing; and in the candidate window's
 * WHERE, so function task runs no worker can take never fill the window and hide the work behind them.
 */
export function handlerClaimable(isListed: (column: string) => string, alias = "t"): string {
  return `(${alias}.handler IS NULL OR ${isListed(`${alias}.handler`)})`;
}

/** Attempts running with the row's concurrency key (0 without a key). */
export function keyRunning(alias = "t"): string {
  return `(SELECT count(*) FROM task_runs k WHERE k.concurrency_key = ${alias}.concurrency_key AND k.status = 'running')`;
}

/**
 * The order of a queue peek: the task runs claimable at `now` first, in claim order; then those rescheduled
 * past it, soonest first (claim order among equal times), which is the order they become claimable in.
 */
export function peekOrder(now: string, alias = "t"): string {
  return `CASE WHEN ${alias}.not_before > ${now} THEN ${alias}.not_before END ASC NULLS FIRST, ${claimOrder(alias)}`;
}
