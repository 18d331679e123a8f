/**
 * Failed sign-ins per peer address: after `maxFailures` failures within `windowMs`, the peer is locked out
 * for `lockMs`, doubling with each lockout in a row (up to `maxLockMs`). A success clears the record. The
 * clock is injected (tests); memory is bounded by `maxPeers` (the oldest record goes first).
 */
export interface LoginThrottleOptions {
  now: () => number;
  /** Failures allowed in a window. Default 5. */
  maxFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** First lockout. Default 60 s. */
  lockMs?: number;
  /** Longest lockout. Default 15 min. */
  maxLockMs?: number;
  /** Peers remembered at most. Default 10,000. */
  maxPeers?: number;
}

interface PeerRecord {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
}

export class LoginThrottle {
  readonly #now: () => number;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #lockMs: number;
  readonly #maxLockMs: number;
  readonly #maxPeers: number;
  readonly #peers = new Map<string, PeerRecord>();

  constructor(options: LoginThrottleOptions) {
    this.#now = options.now;
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#lockMs = options.lockMs ?? 60_000;
    this.#maxLockMs = options.maxLockMs ?? 15 * 60_000;
    this.#maxPeers = options.maxPeers ?? 10_000;
  }

  /** 0 when `peer` may try now, else how many ms it must wait. */
  retryAfterMs(peer: string): number {
    const record = this.#peers.get(peer);
    return record === undefined ? 0 : Math.max(0, record.lockedUntil - this.#now());
  }

  recordFailure(peer: string): void {
    const now = this.#now();
    const record = this.#peers.get(peer) ?? { failures: [], lockedUntil: 0, lockouts: 0 };
    // Re-inserted so that the map's order is least recently failed first.
    this.#peers.delete(peer);
    this.#peers.set(peer, record);
    record.failures = [...record.failures.filter((at) => now - at < this.#windowMs), now];
    if (record.failures.length >= this.#maxFailures) {
      record.lockouts += 1;
      record.lockedUntil = now + Math.min(this.#lockMs * 2 ** (record.lockouts - 1), this.#maxLockMs);
      record.failures = [];
    }
    if (this.#peers.size > this.#maxPeers) {
      const oldest = this.#peers.keys().next().value;
      if (oldest !== undefined) this.#peers.delete(oldest);
    }
  }

  recordSuccess(peer: string): void {
    this.#peers.delete(peer);
  }
}
