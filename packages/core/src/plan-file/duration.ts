import { BadInputError } from "../errors.ts";

const UNITS = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
] as const;

/** `1d`, `1h`, `5m`, `30s`, `500ms` and combinations in that order (`1d12h`, `1m30s500ms`); or plain ms digits. */
const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

function invalid(text: string | number): BadInputError {
  return new BadInputError(
    `invalid duration \`${text}\` (expected e.g. 500ms, 30s, 5m, 1h or 1h30m, or a whole number of milliseconds)`,
  );
}

/**
 * Parses a duration into milliseconds. Accepts `500ms`, `30s`, `5m`, `1h`, `1d` (24h), combinations in descending unit
 * order (`1h30m`, `2m30s`), a string of digits, or a non-negative integer number (both meaning ms).
 * @throws BadInputError on anything else, or when the result is not a safe integer.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isSafeInteger(text) || text < 0) throw invalid(text);
    return text + 0; // normalises -0
  }
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed);
    if (!Number.isSafeInteger(ms)) throw invalid(text);
    return ms;
  }
  const match = DURATION_PATTERN.exec(trimmed);
  if (trimmed === "" || match === null) throw invalid(text);
  let total = 0;
  UNITS.forEach(([, factor], index) => {
    const digits = match[index + 1];
    if (digits !== undefined) total += Number(digits) * factor;
  });
  if (!Number.isSafeInteger(total)) throw invalid(text);
  return total;
}

/**
 * The shortest exact single-unit form of a duration: 500 → `500ms`, 30000 → `30s`, 300000 → `5m`,
 * 3600000 → `1h`, 86400000 → `1d`, 90000 → `90s`. `parseDuration(formatDuration(ms)) === ms`.
 * @throws BadInputError when `ms` is not a non-negative safe integer.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new BadInputError(`cannot format duration ${ms}: expected a non-negative whole number of ms`);
  }
  if (ms === 0) return "0ms";
  for (const [unit, factor] of UNITS) {
    if (ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}
