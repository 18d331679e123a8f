import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endAttemptsOf } from "./attempt-supervisor.ts";
import { executeShell } from "./shell-executor.ts";
import { executionRequest, isProcessAlive, shellSpec, taskDefinition } from "./test-fixtures.ts";

let scratch: string;
beforeAll(async () => {
  scratch = await realpath(await mkdtemp(join(tmpdir(), "taskloom-supervisor-test-")));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Polls until `check` holds; throws after `ms` (a bound on a hang, not a timing assertion). */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

const pidsIn = (file: string) =>
  existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map(Number) : [];

// Records the shell's pid, a background job's and a pipeline member's, then waits.
const LONG_COMMAND = 'echo $$ >> "$PIDS"; sleep 30 & echo $! >> "$PIDS"; sleep 31 | cat; wait';

/** Runs one shell attempt in a separate Node process, as a worker would: the process to kill. */
async function startRunner(command: string, env: Record<string, string>) {
  const runner = join(scratch, `runner-${Math.random().toString(36).slice(2)}.mjs`);
  const source = new URL("./shell-executor.ts", import.meta.url).pathname;
  await writeFile(
    runner,
    `import { executeShell } from ${JSON.stringify(source)};
     await executeShell({ runId: "r", planSlug: "p", taskKey: "t", attempt: 1, params: {}, upstream: {},
       baseDir: null, definition: { key: "t", name: "t", kind: "shell", params: {}, requires: [], refers: [],
       priority: 0, queue: "default", timeoutMs: null, output: "text",
       retry: { max: 0, backoff: "fixed", delayMs: 0, maxDelayMs: 0, jitter: 0 },
       spec: { kind: "shell", run: ${JSON.stringify(command)}, env: ${JSON.stringify(env)}, cwd: null } } });`,
  );
  return spawn(process.execPath, ["--import", "tsx", runner], {
    cwd: new URL("..", import.meta.url).pathname,
    stdio: "ignore",
  });
}

describe("attempt supervisor", () => {
  it("ends the whole attempt when the process running it is killed with SIGKILL", async () => {
    const pids = join(scratch, "killed.pids");
    const worker = await startRunner(LONG_COMMAND, { PIDS: pids });
    await eventually(() => pidsIn(pids).length >= 2);
    await sleep(100); // let the pipeline start too
    const started = pidsIn(pids);
    expect(started.every(isProcessAlive)).toBe(true);

    worker.kill("SIGKILL");
    // Nothing of the attempt survives its worker: not the supervisor, not the `&` job.
    await eventually(() => started.every((pid) => !isProcessAlive(pid)), 5_000);
  });

  it("lets whoever reclaims a dead worker's lease end that worker's attempts on this host", async () => {
    const pids = join(scratch, "reclaimed.pids");
    const attempt = executeShell(
      executionRequest(taskDefinition(shellSpec(LONG_COMMAND, { env: { PIDS: pids } })), {
        ownerId: "worker-under-test",
      }),
    );
    await eventually(() => pidsIn(pids).length >= 2);
    expect(await endAttemptsOf(["some-other-worker"])).toBe(0);
    expect(await endAttemptsOf(["worker-under-test"])).toBe(1);
    const result = await attempt;
    expect(result).toMatchObject({ status: "failed", error: "killed by signal SIGKILL" });
    for (const pid of pidsIn(pids)) expect(isProcessAlive(pid)).toBe(false);
  });

  it("removes the inputs directory a killed process left behind, when another process starts attempts", async () => {
    const pids = join(scratch, "sweep.pids");
    const killed = await startRunner(LONG_COMMAND, { PIDS: pids });
    await eventually(() => pidsIn(pids).length >= 2);
    const leftover = readdirSync(tmpdir()).filter((e) => e.startsWith(`taskloom-inputs-${killed.pid}-`));
    expect(leftover).toHaveLength(1);
    killed.kill("SIGKILL");
    await new Promise((resolve) => killed.once("close", resolve));
    expect(existsSync(join(tmpdir(), leftover[0] ?? ""))).toBe(true);
    const next = await startRunner("true", {});
    await new Promise((resolve) => next.once("close", resolve));
    expect(existsSync(join(tmpdir(), leftover[0] ?? ""))).toBe(false);
    // A bound, not a timing: two Node processes start under tsx here, ~4.7 s on a busy 2-core machine.
  }, 20_000);

  it("keeps `$@` empty and `$!`/wait private to the command", async () => {
    const result = await executeShell(
      executionRequest(taskDefinition(shellSpec('echo "$#"; sleep 0.05 & wait; echo waited'))),
    );
    expect(result).toMatchObject({ status: "succeeded", outputText: "0\nwaited" });
  });
});
