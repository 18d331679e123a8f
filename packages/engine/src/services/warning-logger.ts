import type { Clock, Logger } from "@taskloom/core";

/** The same warning is said again at most this often, in ms, however often the engine logs it. */
export const WARNING_REPEAT_MS = 30_000;

/**
 * A logger that also turns the engine's errors and warnings into short lines for a person (`onWarning`),
 * each said once and then at most every `WARNING_REPEAT_MS`.
 *
 * Why: the engine logs a failed claim or completion and retries, which is right (a full or read-only disk
 * usually recovers), but with the default silent logger a person saw a run stall with no explanation. One
 * line such as `recording results failed; retrying in 1s: database or disk is full` says what is wrong
 * without flooding the terminal while it lasts.
 *
 * An `info` entry with `notice: true` (such as "reconnected to the database") is said too, every time: it
 * ends a problem, so it also forgets when each warning was last said, and the next problem is said at once.
 */
export function withWarnings(inner: Logger, onWarning: (line: string) => void, clock: Clock): Logger {
  const lastSaid = new Map<string, number>();
  const say = (obj: object, msg: string | undefined) => {
    const key = msg ?? "warning";
    const now = clock.now();
    const last = lastSaid.get(key);
    if (last !== undefined && now - last < WARNING_REPEAT_MS) return;
    lastSaid.set(key, now);
    const cause = (obj as { err?: unknown }).err;
    const detail = cause instanceof Error ? cause.message : cause === undefined ? "" : String(cause);
    onWarning(detail ? `${key}: ${detail}` : key);
  };
  return {
    debug: (obj, msg) => inner.debug(obj, msg),
    info(obj, msg) {
      inner.info(obj, msg);
      if (!(obj as { notice?: unknown }).notice || !msg) return;
      lastSaid.clear();
      onWarning(msg);
    },
    warn(obj, msg) {
      inner.warn(obj, msg);
      say(obj, msg);
    },
    error(obj, msg) {
      inner.error(obj, msg);
      say(obj, msg);
    },
  };
}
