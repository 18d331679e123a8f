/**
 * Typed provider errors. The executor maps them to a failed attempt with a one-line message; `retryable`
 * tells whether the scheduler's own retry policy may help (the provider already retried 429/5xx itself).
 */
export type LlmErrorCode =
  | "auth"
  | "rate_limited"
  | "bad_request"
  | "server"
  | "network"
  | "aborted"
  | "timeout";

export class LlmError extends Error {
  readonly code: LlmErrorCode;
  /** HTTP status when the server answered. */
  readonly status: number | undefined;
  /** HTTP requests made before giving up. */
  readonly attempts: number;
  constructor(code: LlmErrorCode, message: string, options: ErrorInit = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status;
    this.attempts = options.attempts ?? 0;
  }

  /** Whether trying again later can succeed: true for rate limits, server errors, network errors and timeouts. */
  get retryable(): boolean {
    return (
      this.code === "rate_limited" ||
      this.code === "server" ||
      this.code === "network" ||
      this.code === "timeout"
    );
  }
}

type ErrorInit = { status?: number; attempts?: number; cause?: unknown };

/** A subclass of LlmError with a fixed code, so callers can use `instanceof` or `code` alike. */
function withCode(code: LlmErrorCode) {
  return class extends LlmError {
    constructor(message: string, init?: ErrorInit) {
      super(code, message, init);
    }
  };
}

/** 401/403: the API key is missing, wrong or lacks permission. */
export class LlmAuthError extends withCode("auth") {}
/** 429 after every retry. */
export class LlmRateLimitError extends withCode("rate_limited") {}
/** 400/404/422: the request itself is wrong (unknown model, bad parameters, context too long). */
export class LlmBadRequestError extends withCode("bad_request") {}
/** 5xx (and 408/409) after every retry. */
export class LlmServerError extends withCode("server") {}
/** The server could not be reached, or the connection broke, after every retry. */
export class LlmNetworkError extends withCode("network") {}
/** Cancelled through the caller's AbortSignal. */
export class LlmAbortedError extends withCode("aborted") {}
/** The completion's time limit passed. */
export class LlmTimeoutError extends withCode("timeout") {}
