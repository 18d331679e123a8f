/**
 * How long to wait before retrying a 429/5xx: the server's `Retry-After` (seconds or an HTTP date) or
 * `retry-after-ms` when it sent one, else exponential backoff with jitter.
 */

export interface RetryOptions {
  /** Retries after the first request. Default 3. */
  maxRetries: number;
  /** Backoff before the first retry when the server gives no Retry-After, in ms. Default 500. */
  baseDelayMs: number;
  /** Upper bound of a computed backoff, in ms. Default 20000. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is returned at once. Default 60000. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** The server's requested wait in ms, or null when the headers carry none (or an unparsable one). */
export function retryAfterMs(headers: Headers | undefined, now: number): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers.get("retry-after");
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Backoff before retry number `retry` (1-based): `base × 2^(retry−1)`, capped, then jittered into
 * [50 %, 100 %] of that so that many clients rate-limited together do not come back together.
 */
export function backoffDelayMs(retry: number, options: RetryOptions, random: () => number): number {
  const raw = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(raw * (0.5 + 0.5 * random()));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
