/**
 * Pure pieces of the snapshot views: how hashes and token deltas are written, what a diff amounts to in one
 * line, and which snapshots an attempt can be compared with.
 */

/** The first 12 hex digits: what the engine's log lines print, so the two can be matched by eye. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** `+12`, `−3` (a true minus sign) or `±0`. */
export function signedTokens(delta: number): string {
  if (delta > 0) return `+${delta}`;
  if (delta < 0) return `−${-delta}`;
  return "±0";
}

export interface DiffCounts {
  identical: boolean;
  added: readonly unknown[];
  removed: readonly unknown[];
  changed: readonly unknown[];
  usedTokens: { delta: number };
  promptChanged: boolean;
}

/** `2 added, 1 changed · +40 tokens`, or `identical`. */
export function diffSummary(diff: DiffCounts): string {
  if (diff.identical) return "identical";
  const parts = [
    diff.added.length > 0 && `${diff.added.length} added`,
    diff.removed.length > 0 && `${diff.removed.length} removed`,
    diff.changed.length > 0 && `${diff.changed.length} changed`,
    diff.promptChanged && "prompt changed",
  ].filter((part): part is string => typeof part === "string");
  const items = parts.length > 0 ? parts.join(", ") : "a dropped or excluded item changed";
  return `${items} · ${signedTokens(diff.usedTokens.delta)} tokens`;
}

/** One snapshot an attempt can be compared with: another attempt of the same run, or the task in another run. */
export interface CompareChoice {
  /** Stable id for a `<select>`: `attempt:2` or `run:<id>`. */
  id: string;
  label: string;
  runId: string;
  attempt: number;
}

export interface RunChoiceInput {
  runId: string;
  createdAt: number;
  status: string;
  attempt: number;
}

/**
 * The other attempts of this run (newest first), then the task's last attempt in each other run of the plan
 * (as listed, newest first), and the default: the same task in the run before this one, else the attempt
 * before this one, else the first choice. `runs` includes this run (its createdAt places "before").
 */
export function compareChoices(
  current: { runId: string; attempt: number },
  attempts: readonly number[],
  runs: readonly RunChoiceInput[],
  formatTime: (at: number) => string,
): { choices: CompareChoice[]; defaultId: string | null } {
  const choices: CompareChoice[] = [];
  for (const attempt of [...attempts].sort((a, b) => b - a)) {
    if (attempt === current.attempt) continue;
    choices.push({
      id: `attempt:${attempt}`,
      label: `Attempt ${attempt} of this run`,
      runId: current.runId,
      attempt,
    });
  }
  const own = runs.find((run) => run.runId === current.runId);
  let previousRun: string | null = null;
  for (const run of runs) {
    if (run.runId === current.runId) continue;
    const id = `run:${run.runId}`;
    if (previousRun === null && own !== undefined && run.createdAt <= own.createdAt) previousRun = id;
    choices.push({
      id,
      label: `Run ${run.runId} · ${formatTime(run.createdAt)} · ${run.status}`,
      runId: run.runId,
      attempt: run.attempt,
    });
  }
  const previousAttempt = choices.find((choice) => choice.id === `attempt:${current.attempt - 1}`);
  return { choices, defaultId: previousRun ?? previousAttempt?.id ?? choices[0]?.id ?? null };
}
