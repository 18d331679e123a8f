import { spawn } from "node:child_process";
import { withEngine } from "./bench-engine.ts";

/**
 * What a shell task's attempt costs beyond spawning its command: a chain of `length` shell tasks, each
 * `sleep 0.01`, executed by the engine, against `length` sequential spawns of the same `sh -c` command from
 * Node, measured in the same process one after the other. The ratio is engine time over raw time; the
 * target is ≤ 1.15 (a chain step is one claim, one spawn and one completion commit).
 */

export const SHELL_COMMAND = "sleep 0.01";

export interface ShellOverheadResult {
  length: number;
  /** Wall time of the engine's chain, from the first claim to the commit that ended the run, ms. */
  engineMs: number;
  /** Wall time of `length` sequential raw spawns, ms. */
  rawMs: number;
  /** engineMs / rawMs. */
  ratio: number;
  /** (engineMs − rawMs) / length: what the engine adds per attempt, ms. */
  extraPerAttemptMs: number;
}

/** `length` sequential `sh -c SHELL_COMMAND` spawns, each waited for, as Node would run them by hand. */
export async function rawSpawnChain(length: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < length; i++) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("sh", ["-c", SHELL_COMMAND], { stdio: ["ignore", "pipe", "pipe"] });
      child.once("error", reject);
      child.once("close", () => resolve());
    });
  }
  return performance.now() - start;
}

/** The same chain through the engine: one worker, one SQLite file, the real shell executor. */
export async function engineShellChain(length: number): Promise<number> {
  const tasks: Record<string, { run: string; requires?: string[] }> = {};
  for (let i = 1; i <= length; i++) {
    tasks[`s${i}`] = i === 1 ? { run: SHELL_COMMAND } : { run: SHELL_COMMAND, requires: [`s${i - 1}`] };
  }
  return withEngine("shell", async (engine) => {
    const prepared = await engine.prepare({ plan: "bench-shell-chain", tasks });
    const outcome = await engine.execute(prepared.runId, 1);
    if (outcome.timings.size !== length) throw new Error(`only ${outcome.timings.size}/${length} ran`);
    return outcome.endedAt - outcome.firstClaimAt;
  });
}

/**
 * Both measurements, `repeats` times each, interleaved; the best of each is compared (interference from
 * other processes only ever adds time).
 */
export async function measureShellOverhead(length = 40, repeats = 3): Promise<ShellOverheadResult> {
  // One warm-up of each: the first spawns pay for page-cache misses of sh and sleep.
  await rawSpawnChain(Math.min(length, 5));
  await engineShellChain(Math.min(length, 5));
  let engineMs = Number.POSITIVE_INFINITY;
  let rawMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    rawMs = Math.min(rawMs, await rawSpawnChain(length));
    engineMs = Math.min(engineMs, await engineShellChain(length));
  }
  return { length, engineMs, rawMs, ratio: engineMs / rawMs, extraPerAttemptMs: (engineMs - rawMs) / length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureShellOverhead();
  process.stdout.write(
    `shell chain of ${result.length} × "${SHELL_COMMAND}": engine ${result.engineMs.toFixed(0)} ms, ` +
      `raw spawns ${result.rawMs.toFixed(0)} ms, ratio ${result.ratio.toFixed(2)} ` +
      `(+${result.extraPerAttemptMs.toFixed(1)} ms per attempt; target ≤ 1.15)\n`,
  );
}
