/**
 * Which clock judges leases on PostgreSQL.
 *
 * - `database` (the default): a lease runs from the database server's clock (`clock_timestamp()`) for
 *   `leaseMs`; heartbeats extend it from that clock; `reclaimExpiredLeases` compares it with that clock; a
 *   worker counts as stale when it holds a lease that has expired by that clock. With workers on many hosts,
 *   a host whose clock runs ahead cannot take a lease from a live worker, and one whose clock lags cannot keep
 *   a dead worker's lease: every host asks the same clock. The ports' `now` parameters still stamp everything
 *   recorded (events, started/finished times, attempts, `available_at` of retries, worker registration), as on
 *   SQLite; only the lease decision ignores them. `leaseExpiresAt` returned by a claim is in the caller's
 *   frame (`now + leaseMs`), the time the caller's own clock should treat as the end of the lease.
 * - `caller`: leases are judged by the `now` the caller passes, exactly as the SQLite store does. For tests
 *   that drive time through `now` (the store contract suite) and for a single host.
 */
export type LeaseClock = "database" | "caller";

/**
 * The SQL of "now" for lease decisions: the database clock, or the caller's `now` bound as `param`. The
 * database form still names the parameter (`coalesce` never reaches it: `clock_timestamp()` is never null),
 * so one statement binds the same parameters under either clock and PostgreSQL can type every one of them.
 */
export function leaseNow(clock: LeaseClock, param: string): string {
  return clock === "database"
    ? `coalesce(clock_timestamp(), ${param}::timestamptz)`
    : `${param}::timestamptz`;
}
