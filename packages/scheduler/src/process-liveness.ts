import { readFileSync } from "node:fs";

/**
 * Whether the process `pid` that was already running at `since` (epoch ms) is still alive on this host.
 * A pid is reused once its process is gone, so a process that started after `since` is a different one and
 * the answer is false. The start time comes from /proc/<pid>/stat (clock ticks since boot) and the boot time
 * from /proc/uptime; without /proc only the signal-0 probe is left and pid reuse goes unnoticed.
 */
export function isProcessAlive(pid: number, since: number): boolean {
  if (!signalZero(pid)) return false;
  const startedAt = processStartedAt(pid);
  // The estimate is good to ~10 ms (tick and uptime resolution); the slack keeps a worker that registered
  // right after its process started from ever looking "newer than itself".
  return startedAt === null || startedAt <= since + START_TIME_SLACK_MS;
}

const START_TIME_SLACK_MS = 1000;
/** USER_HZ: what /proc reports times in. 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

/** When process `pid` started, epoch ms, or null when /proc cannot say. */
function processStartedAt(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // Fields after the parenthesised command name (which may contain spaces): field 22 is starttime.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    const uptimeSeconds = Number(readFileSync("/proc/uptime", "latin1").split(" ")[0]);
    if (!Number.isFinite(ticks) || !Number.isFinite(uptimeSeconds)) return null;
    const bootedAt = Date.now() - uptimeSeconds * 1000;
    return bootedAt + (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
