import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionRequest } from "./execution.ts";
import { OUTPUT_LIMIT_BYTES } from "./output-capture.ts";
import { executeShell } from "./shell-executor.ts";
import {
  executionRequest,
  isProcessAlive,
  logRecorder,
  readPid,
  shellSpec,
  taskDefinition,
} from "./test-fixtures.ts";

let scratch: string;

beforeAll(async () => {
  scratch = await realpath(await mkdtemp(join(tmpdir(), "taskloom-executor-test-")));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function shell(
  run: string | string[],
  options: {
    spec?: Parameters<typeof shellSpec>[1];
    task?: Parameters<typeof taskDefinition>[1];
    request?: Partial<ExecutionRequest>;
  } = {},
): ExecutionRequest {
  return executionRequest(taskDefinition(shellSpec(run, options.spec), options.task), options.request);
}

describe("shell executor: exit status", () => {
  it("succeeds on exit 0 with stdout trimmed as the output", async () => {
    const result = await executeShell(shell("printf '  hello world \\n\\n'"));
    expect(result).toMatchObject({
      status: "succeeded",
      exitCode: 0,
      outputText: "hello world",
      outputJson: null,
      error: null,
      reason: null,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("fails on a non-zero exit with the code and the last stderr line", async () => {
    const result = await executeShell(
      shell("echo partial; echo first >&2; echo 'last words' >&2; echo >&2; exit 3"),
    );
    expect(result).toMatchObject({
      status: "failed",
      exitCode: 3,
      reason: "exit_code",
      error: "exit code 3: last words",
      outputText: "partial",
    });
  });

  it("runs nothing of a script with a syntax error, and says what the error is", async () => {
    const marker = join(scratch, "half-run");
    const result = await executeShell(shell(`touch '${marker}'\necho done )`));
    expect(result).toMatchObject({ status: "failed", exitCode: 2, reason: "exit_code" });
    expect(result.error).toMatch(/^exit code 2: .*: Syntax error: "\)" unexpected/);
    expect(existsSync(marker)).toBe(false);
  });

  it("names the script's line in the shell's messages, and keeps comments and here-documents whole", async () => {
    const failed = await executeShell(shell("true\nno-such-command-here # a comment"));
    expect(failed.error).toMatch(/^exit code 127: .*: 2: no-such-command-here: not found$/);
    const heredoc = await executeShell(shell("cat <<EOF\nfrom a here-document\nEOF"));
    expect(heredoc).toMatchObject({ status: "succeeded", outputText: "from a here-document" });
  });

  it("reports just the exit code when stderr is empty", async () => {
    const result = await executeShell(shell("exit 1"));
    expect(result).toMatchObject({
      status: "failed",
      exitCode: 1,
      reason: "exit_code",
      error: "exit code 1",
    });
  });

  it("reports a process killed by a signal with a null exit code", async () => {
    const result = await executeShell(shell("kill -KILL $$"));
    expect(result.status).toBe("failed");
    expect(result.exitCode).toBeNull();
    expect(result.reason).toBe("exit_code");
    expect(result.error).toContain("SIGKILL");
  });

  it("gives the process no stdin", async () => {
    const result = await executeShell(shell("cat; echo after"));
    expect(result).toMatchObject({ status: "succeeded", outputText: "after" });
  });
});

describe("shell executor: environment and inputs", () => {
  it("sets the TASKLOOM_* variables, params and the step's env", async () => {
    const result = await executeShell(
      shell(
        'printf "%s|" "$TASKLOOM_RUN_ID" "$TASKLOOM_TASK_KEY" "$TASKLOOM_ATTEMPT" "$TASKLOOM_PLAN" "$GREETING"',
        {
          spec: { env: { GREETING: "hi {{params.who}}" } },
          request: {
            runId: "r-42",
            planSlug: "nightly",
            taskKey: "build",
            attempt: 3,
            params: { who: "ada" },
          },
        },
      ),
    );
    expect(result.outputText).toBe("r-42|build|3|nightly|hi ada|");
  });

  it("exports each param as TASKLOOM_PARAM_<NAME> with non-alphanumerics turned into _", async () => {
    const result = await executeShell(
      shell('printf "%s|" "$TASKLOOM_PARAM_OUT_DIR" "$TASKLOOM_PARAM_COUNT" "$TASKLOOM_PARAM_DRY_RUN_"', {
        request: { params: { "out-dir": "/tmp/x y", count: 7, "dry.run!": false } },
      }),
    );
    expect(result.outputText).toBe("/tmp/x y|7|false|");
  });

  it("starts from baseEnv, drops inherited params, and lets no step shadow the TASKLOOM_ variables", async () => {
    const result = await executeShell(
      shell('printf "%s|" "$FROM_BASE" "$TASKLOOM_PARAM_STALE" "$TASKLOOM_RUN_ID" "$HOME"', {
        spec: { env: { TASKLOOM_RUN_ID: "spoofed" } },
        request: {
          runId: "real",
          baseEnv: { PATH: process.env.PATH, FROM_BASE: "base", TASKLOOM_PARAM_STALE: "leaked" },
        },
      }),
    );
    expect(result.outputText).toBe("base||real||");
  });

  it("writes upstream outputs to the TASKLOOM_INPUTS file and removes it afterwards", async () => {
    const result = await executeShell(
      shell('echo "$TASKLOOM_INPUTS"; cat "$TASKLOOM_INPUTS"', {
        request: {
          upstream: {
            fetch: { output: '{"n": 1}', json: { n: 1 } },
            note: { output: "plain text", json: null },
          },
        },
      }),
    );
    expect(result.status).toBe("succeeded");
    const [path = "", json = ""] = (result.outputText ?? "").split("\n");
    expect(JSON.parse(json)).toEqual({
      fetch: { output: '{"n": 1}', json: { n: 1 } },
      note: { output: "plain text", json: null },
    });
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it("gives a sweep point its own params in TASKLOOM_PARAMS_FILE, and other task runs none", async () => {
    const result = await executeShell(
      shell('echo "$TASKLOOM_PARAMS_FILE"; cat "$TASKLOOM_PARAMS_FILE"; echo; echo "$TASKLOOM_PARAM_LR"', {
        request: { params: { lr: 0.1, day: "mon" }, point: { index: 2, params: { lr: 0.1 } } },
      }),
    );
    expect(result.status).toBe("succeeded");
    const [path = "", json = "", lr = ""] = (result.outputText ?? "").split("\n");
    expect(JSON.parse(json)).toEqual({ lr: 0.1 });
    expect(lr).toBe("0.1");
    expect(existsSync(path)).toBe(false);
    const plain = await executeShell(shell('test -z "$TASKLOOM_PARAMS_FILE" && echo "[unset]"'));
    expect(plain.outputText).toBe("[unset]");
  });
});

describe("shell executor: templating and command forms", () => {
  it("renders params, upstream outputs, the run id and the plan slug in a shell string", async () => {
    const result = await executeShell(
      shell("echo {{params.name}} {{ tasks.up.output }} {{run.id}} {{plan.slug}}", {
        request: {
          runId: "r-7",
          planSlug: "etl",
          params: { name: "world" },
          upstream: { up: { output: "42", json: 42 } },
        },
      }),
    );
    expect(result.outputText).toBe("world 42 r-7 etl");
  });

  it("fails with reason error when a template does not render", async () => {
    const result = await executeShell(shell("echo {{params.missing}}"));
    expect(result).toMatchObject({ status: "failed", reason: "error", exitCode: null });
    expect(result.error).toContain("{{params.missing}}");
  });

  it("runs an argv without a shell, rendering each element", async () => {
    const result = await executeShell(
      shell(["printf", "%s|", "a b", "$HOME", "{{params.x}}", "'quoted'"], {
        request: { params: { x: "; rm -rf /" } },
      }),
    );
    expect(result).toMatchObject({ status: "succeeded", outputText: "a b|$HOME|; rm -rf /|'quoted'|" });
  });

  it("fails clearly when the argv command does not exist", async () => {
    const result = await executeShell(shell(["taskloom-no-such-command-xyz", "arg"]));
    expect(result).toMatchObject({
      status: "failed",
      reason: "error",
      exitCode: null,
      error: "command not found: taskloom-no-such-command-xyz",
    });
  });

  it("fails on an empty argv", async () => {
    const result = await executeShell(shell([]));
    expect(result).toMatchObject({ status: "failed", reason: "error", error: "the command is empty" });
  });
});

describe("shell executor: working directory", () => {
  it("resolves a relative, templated cwd against baseDir", async () => {
    await mkdir(join(scratch, "work", "alpha"), { recursive: true });
    const result = await executeShell(
      shell("pwd", {
        spec: { cwd: "work/{{params.dir}}" },
        request: { baseDir: scratch, params: { dir: "alpha" } },
      }),
    );
    expect(result.outputText).toBe(join(scratch, "work", "alpha"));
  });

  it("runs in baseDir when there is no cwd, and in process.cwd() when there is no baseDir either", async () => {
    expect((await executeShell(shell("pwd", { request: { baseDir: scratch } }))).outputText).toBe(scratch);
    expect((await executeShell(shell("pwd"))).outputText).toBe(await realpath(process.cwd()));
  });

  it("fails clearly when the cwd does not exist", async () => {
    const result = await executeShell(
      shell(["true"], { spec: { cwd: "nowhere" }, request: { baseDir: scratch } }),
    );
    expect(result).toMatchObject({
      status: "failed",
      reason: "error",
      error: `working directory does not exist: ${join(scratch, "nowhere")}`,
    });
  });
});

describe("shell executor: output", () => {
  it("parses json output into canonical JSON text", async () => {
    const result = await executeShell(
      shell(`echo '  { "b": [1, 2], "a": "x" }  '`, { task: { output: "json" } }),
    );
    expect(result).toMatchObject({
      status: "succeeded",
      outputText: '{ "b": [1, 2], "a": "x" }',
      outputJson: '{"b":[1,2],"a":"x"}',
    });
  });

  it("fails with output_parse when json output does not parse", async () => {
    const result = await executeShell(shell("echo 'not json'", { task: { output: "json" } }));
    expect(result).toMatchObject({
      status: "failed",
      reason: "output_parse",
      exitCode: 0,
      outputText: "not json",
    });
    expect(result.error).toMatch(/^output is not valid JSON: /);
  });

  it("keeps the first 1 MiB of stdout and marks the rest truncated, while onLog gets everything", async () => {
    const logs = logRecorder();
    const result = await executeShell(
      shell("head -c 3000000 /dev/zero | tr '\\0' a", { request: { onLog: logs.onLog } }),
    );
    expect(result.status).toBe("succeeded");
    expect(result.outputText).toBe(
      `${"a".repeat(OUTPUT_LIMIT_BYTES)}\n…[output truncated: 3000000 bytes total]`,
    );
    expect(logs.text("stdout").length).toBe(3_000_000);
  });

  it("fails json output that was truncated with output_parse", async () => {
    const result = await executeShell(
      shell(`printf '["'; head -c 2000000 /dev/zero | tr '\\0' a; printf '"]'`, { task: { output: "json" } }),
    );
    expect(result).toMatchObject({ status: "failed", reason: "output_parse" });
    expect(result.error).toContain("truncated");
  });

  it("turns invalid UTF-8 into U+FFFD instead of failing", async () => {
    const logs = logRecorder();
    const result = await executeShell(shell("printf '\\377\\376 ok'", { request: { onLog: logs.onLog } }));
    expect(result).toMatchObject({ status: "succeeded", outputText: "\uFFFD\uFFFD ok" });
    expect(logs.text("stdout")).toBe("\uFFFD\uFFFD ok");
  });

  it("decodes a multi-byte character split across chunks whole", async () => {
    const logs = logRecorder();
    // "€" is E2 82 AC: the first two bytes arrive in one read, the last one 200 ms later.
    const result = await executeShell(
      shell("printf 'a\\342\\202'; sleep 0.2; printf '\\254b'", { request: { onLog: logs.onLog } }),
    );
    expect(result.outputText).toBe("a€b");
    const stdout = logs.entries.filter((entry) => entry.stream === "stdout").map((entry) => entry.text);
    expect(stdout).toEqual(["a", "€b"]);
  });

  it("streams stdout and stderr to onLog in order, as they arrive", async () => {
    const logs = logRecorder();
    const startedAt = performance.now();
    const result = await executeShell(
      shell("echo out1; sleep 0.3; echo err1 >&2; sleep 0.3; echo out2", { request: { onLog: logs.onLog } }),
    );
    const finishedAt = performance.now();
    expect(result.status).toBe("succeeded");
    const output = logs.entries.filter((entry) => entry.stream !== "system");
    expect(output.map((entry) => [entry.stream, entry.text])).toEqual([
      ["stdout", "out1\n"],
      ["stderr", "err1\n"],
      ["stdout", "out2\n"],
    ]);
    // The first line arrived long before the process ended: it was streamed, not collected at the end.
    expect(finishedAt - (output[0]?.at ?? finishedAt)).toBeGreaterThan(400);
    expect(output[0]?.at ?? 0).toBeGreaterThan(startedAt);
    const system = logs.entries.filter((entry) => entry.stream === "system").map((entry) => entry.text);
    expect(system[0]).toMatch(/^started pid \d+ in /);
    expect(system.at(-1)).toBe("exited with code 0\n");
    expect(logs.entries[0]?.stream).toBe("system");
  });

  it("survives an onLog that throws", async () => {
    const result = await executeShell(
      shell("echo fine", {
        request: {
          onLog: () => {
            throw new Error("sink down");
          },
        },
      }),
    );
    expect(result).toMatchObject({ status: "succeeded", outputText: "fine" });
  });
});

describe("shell executor: timeouts, cancel and process groups", () => {
  it("on timeout kills the whole process group, grandchildren included", async () => {
    const pidFile = join(scratch, "timeout.pids");
    const startedAt = performance.now();
    const result = await executeShell(
      shell(
        'echo $$ > "$TASKLOOM_PARAM_PIDS"; sleep 30 & echo $! >> "$TASKLOOM_PARAM_PIDS"; sleep 30; wait',
        {
          task: { timeoutMs: 300 },
          request: { params: { pids: pidFile }, killGraceMs: 2000 },
        },
      ),
    );
    expect(result).toMatchObject({ status: "failed", reason: "timeout", error: "timed out after 300ms" });
    expect(performance.now() - startedAt).toBeLessThan(2000);
    const pids = readFileSync(pidFile, "utf8").trim().split("\n").map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  it("sends SIGKILL to a group that ignores SIGTERM once the grace period is over", async () => {
    const pidFile = join(scratch, "stubborn.pid");
    const logs = logRecorder();
    const startedAt = performance.now();
    const result = await executeShell(
      shell(`trap '' TERM; sleep 30 & echo $! > "$TASKLOOM_PARAM_PID"; sleep 30`, {
        task: { timeoutMs: 200 },
        request: { params: { pid: pidFile }, killGraceMs: 200, onLog: logs.onLog },
      }),
    );
    const elapsed = performance.now() - startedAt;
    expect(result).toMatchObject({ status: "failed", reason: "timeout", exitCode: null });
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(3000);
    expect(logs.text("system")).toContain("SIGKILL");
    expect(isProcessAlive(readPid(pidFile))).toBe(false);
  });

  it("cancels through the signal: status cancelled, processes gone", async () => {
    const pidFile = join(scratch, "cancel.pid");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await executeShell(
      shell('sleep 30 & echo $! > "$TASKLOOM_PARAM_PID"; wait', {
        task: { timeoutMs: 10_000 },
        request: { params: { pid: pidFile }, signal: controller.signal },
      }),
    );
    expect(result).toMatchObject({ status: "cancelled", reason: "cancelled", error: "cancelled" });
    expect(isProcessAlive(readPid(pidFile))).toBe(false);
  });

  it("does not start anything when the signal is already aborted", async () => {
    const logs = logRecorder();
    const controller = new AbortController();
    controller.abort();
    const result = await executeShell(
      shell("echo never", { request: { signal: controller.signal, onLog: logs.onLog } }),
    );
    expect(result).toMatchObject({ status: "cancelled", reason: "cancelled" });
    expect(logs.entries).toEqual([]);
  });

  it("ends background jobs the command left running, without waiting for them", async () => {
    const pidFile = join(scratch, "leftover.pid");
    const startedAt = performance.now();
    const result = await executeShell(
      shell('sleep 30 & echo $! > "$TASKLOOM_PARAM_PID"; echo done', {
        request: { params: { pid: pidFile } },
      }),
    );
    expect(result).toMatchObject({ status: "succeeded", outputText: "done" });
    expect(performance.now() - startedAt).toBeLessThan(2000);
    expect(isProcessAlive(readPid(pidFile))).toBe(false);
  });

  it("stops reading when a process outside the group keeps stdout open", async () => {
    const pidFile = join(scratch, "escaped.pid");
    const startedAt = performance.now();
    const result = await executeShell(
      shell(`setsid sh -c 'echo $$ > "$TASKLOOM_PARAM_PID"; exec sleep 30' & sleep 0.1; echo done`, {
        request: { params: { pid: pidFile } },
      }),
    );
    try {
      expect(result).toMatchObject({ status: "succeeded", outputText: "done" });
      expect(performance.now() - startedAt).toBeLessThan(4000);
    } finally {
      process.kill(readPid(pidFile), "SIGKILL");
    }
  });
});
