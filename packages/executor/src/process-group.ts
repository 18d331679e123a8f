import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { formatDuration } from "./attempt-signal.ts";

/**
 * The process group a shell step runs in. Each attempt's supervisor (see attempt-supervisor.ts) is spawned
 * detached, so it leads its own group
 * and signalling `-pgid` reaches everything it started (pipelines, `&` jobs, grandchildren), not just the
 * direct child: killing only `sh` would orphan its children and leave them running.
 */

/** How often the group is probed with signal 0 while it is given time to exit. */
const POLL_MS = 25;
/**
 * How often, while signal 0 still finds the group, /proc is read to see whether only zombies are left.
 * Orphans are reaped by PID 1, and a PID 1 that reaps late (or never: `node` as PID 1 in a container)
 * would otherwise keep a dead group "alive" for the whole grace period.
 */
const ZOMBIE_SCAN_MS = 200;
/** How long to wait for SIGKILL to take effect before giving up on watching the group. */
const AFTER_KILL_WAIT_MS = 1000;

export class ProcessGroup {
  private termination: Promise<void> | null = null;

  constructor(
    readonly pgid: number,
    private readonly options: {
      /** Time between SIGTERM and SIGKILL, in ms. */
      graceMs: number;
      /** Receives a line for each signal sent. */
      onSystemLine: (text: string) => void;
    },
  ) {}

  /** Whether any process of the group is still running (zombies do not count). */
  isAlive(): Promise<boolean> {
    return isGroupRunning(this.pgid);
  }

  /**
   * SIGTERM to the group, then SIGKILL to whatever is left after the grace period. Resolves once the group
   * is gone (or SIGKILL did not finish it within a second). Calling it again returns the same promise.
   */
  terminate(): Promise<void> {
    this.termination ??= this.runTermination();
    return this.termination;
  }

  /** The termination in progress or done, or null if none was started. */
  get terminating(): Promise<void> | null {
    return this.termination;
  }

  private async runTermination(): Promise<void> {
    if (!this.send("SIGTERM")) return;
    this.options.onSystemLine(`sent SIGTERM to process group ${this.pgid}`);
    if (await this.waitForExit(this.options.graceMs)) return;
    if (!this.send("SIGKILL")) return;
    this.options.onSystemLine(
      `process group ${this.pgid} still running ${formatDuration(this.options.graceMs)} after SIGTERM; sent SIGKILL`,
    );
    await this.waitForExit(AFTER_KILL_WAIT_MS);
  }

  /** True once nothing of the group runs any more, false if something still does after `ms`. */
  private async waitForExit(ms: number): Promise<boolean> {
    const startedAt = performance.now();
    // The first scan comes after a couple of polls: right after a signal, nothing has had time to die.
    let nextScanAt = startedAt + 2 * POLL_MS;
    for (;;) {
      if (!this.send(0)) return true;
      const now = performance.now();
      if (now >= nextScanAt) {
        nextScanAt = now + ZOMBIE_SCAN_MS;
        if (await onlyZombiesLeft(this.pgid)) return true;
      }
      const remaining = startedAt + ms - performance.now();
      if (remaining <= 0) return false;
      await sleep(Math.min(POLL_MS, remaining));
    }
  }

  private send(signal: NodeJS.Signals | 0): boolean {
    return signalGroup(this.pgid, signal);
  }
}

/** Whether any process of group `pgid` is still running; zombies (dead, not yet reaped) do not count. */
export async function isGroupRunning(pgid: number): Promise<boolean> {
  return signalGroup(pgid, 0) && !(await onlyZombiesLeft(pgid));
}

/** Signals a whole process group; false when it no longer exists (ESRCH). */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === "ESRCH") return false;
    // EPERM: members exist but may not be signalled by us. They count as alive; there is nothing to send.
    return signal === 0;
  }
}

/**
 * Whether every process left in the group is a zombie (dead, waiting to be reaped), read from /proc.
 * False when /proc cannot be read: then only the signal-0 probe is available and it decides.
 */
async function onlyZombiesLeft(pgid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, "latin1");
    } catch {
      continue; // exited while we were looking
    }
    // Fields after the parenthesised command name (which may contain spaces): state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    if (fields[2] === String(pgid) && state !== "Z" && state !== "X") return false;
  }
  return true;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
