import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { isGroupRunning, signalGroup } from "./process-group.ts";

/**
 * The attempt supervisor: why a shell step's processes cannot outlive the worker that runs them.
 *
 * Every shell step runs under a small `sh` that leads the step's process group. Its stdin is a pipe whose
 * write end only the worker holds (Node opens its pipes close-on-exec, so no other child inherits it). The
 * supervisor moves that pipe to a watcher subshell blocked in `read`; when the worker dies, by `kill -9`
 * too, the kernel closes the write end, the `read` returns at EOF and the watcher SIGKILLs the whole group
 * (`kill -KILL 0`): the command, its pipelines and `&` jobs. Nothing needs the worker to run any code, and a
 * worker that died before the command even started is covered too (the pipe is already closed).
 *
 * The command runs in a subshell of the supervisor (`( ... )`, a fork, no exec), so it keeps its own
 * `$!`/`wait` namespace. A script is written into the supervisor's own text, inside that subshell, rather
 * than run with `eval`: the shell then execs the script's last simple command in the subshell instead of
 * forking once more for it, so a one-command step costs one fork (the watcher) over a bare `sh -c`. The
 * script is still parsed with the supervisor, as a whole: one with a syntax error runs nothing at all (sh
 * exits 2 and says why), as `sh -c` would. When the command ends, the supervisor stops the watcher, waits
 * for it and exits with the command's status.
 *
 * The supervisor's `$0` is `taskloom-attempt:<worker id>`, so a worker on the same host that takes back a
 * dead worker's leases can find and end whatever is left (`endAttemptsOf`) before the task runs again.
 */

/** `$0` of every supervisor; the worker id follows the colon. */
export const SUPERVISOR_TAG = "taskloom-attempt";

// Variable names are prefixed so that the command (which runs in a subshell of this script) is unlikely to
// read or clobber them by accident.
const PROLOGUE =
  "exec 3<&0 </dev/null; " +
  "{ read -r _ <&3; kill -KILL 0; } >/dev/null 2>&1 & __taskloom_watcher=$!; " +
  "exec 3<&-; ";
const EPILOGUE =
  "__taskloom_status=$?; kill $__taskloom_watcher 2>/dev/null; wait $__taskloom_watcher 2>/dev/null; " +
  "exit $__taskloom_status";

/**
 * Runs `script` in the supervisor's subshell; `$@` is empty inside it, as with `sh -c script`. The script
 * starts on the first line, so the shell's messages give its own line numbers; the newline after it ends
 * its last line (a comment, a here-document's delimiter) before the subshell closes. The braces make the
 * shell parse everything before it runs anything: a stray `)` in the script cannot close the subshell early
 * and run half of it.
 */
const scriptSupervisor = (script: string) => `{ ${PROLOGUE}( ${script}\n); ${EPILOGUE}; }`;
/** Runs `"$@"` as an argv, without a shell between the supervisor and the program. */
const ARGV_SUPERVISOR = `${PROLOGUE}( exec "$@" ); ${EPILOGUE}`;

export type SupervisedCommand = { script: string } | { argv: [string, ...string[]] };

/** The `sh` argv that runs `command` under a supervisor tagged with `ownerId`. */
export function supervisorArgs(command: SupervisedCommand, ownerId: string | undefined): string[] {
  const tag = ownerId === undefined ? SUPERVISOR_TAG : `${SUPERVISOR_TAG}:${ownerId}`;
  return "script" in command
    ? ["-c", scriptSupervisor(command.script), tag]
    : ["-c", ARGV_SUPERVISOR, tag, ...command.argv];
}

/** How long `endAttemptsOf` waits for SIGKILLed groups to be gone. */
const END_WAIT_MS = 2000;

/**
 * SIGKILLs the process group of every live supervisor on this host tagged with one of `workerIds`, and
 * resolves once they are gone (or after 2 s). The supervisors end their groups themselves when their worker
 * dies; this is for whoever takes back the dead worker's leases, so that a re-run never overlaps a copy
 * that has not finished dying. Returns how many groups were signalled. Reads /proc (Linux); elsewhere 0.
 */
export async function endAttemptsOf(workerIds: readonly string[]): Promise<number> {
  if (workerIds.length === 0) return 0;
  const tags = new Set(workerIds.map((id) => `${SUPERVISOR_TAG}:${id}`));
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return 0;
  }
  const groups: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue; // exited while we were looking
    }
    // sh\0-c\0<supervisor script>\0<tag>\0...
    const tag = cmdline.split("\0")[3];
    if (tag !== undefined && tags.has(tag) && signalGroup(Number(entry), "SIGKILL"))
      groups.push(Number(entry));
  }
  const deadline = performance.now() + END_WAIT_MS;
  for (const pgid of groups) {
    while ((await isGroupRunning(pgid)) && performance.now() < deadline) await sleep(10);
  }
  return groups.length;
}
