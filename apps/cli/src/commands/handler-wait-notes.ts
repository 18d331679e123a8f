import type { Taskloom } from "@taskloom/engine";

/** How often `taskloom run` looks for function tasks that wait for a worker, in ms. */
const CHECK_EVERY_MS = 1000;

/**
 * Says once per task, while `taskloom run` executes a run with function tasks, when one is ready but no live
 * worker has its handler (`task \`resize\` is waiting for a worker with handler \`resize\``): without it
 * the run would only sit there. Reads the run (`Taskloom.getRun`) once a second, and only for runs that have
 * function tasks.
 */
export class HandlerWaitNotes {
  readonly #taskloom: Taskloom;
  readonly #runId: string;
  readonly #note: (line: string) => void;
  readonly #said = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #checking = false;

  constructor(taskloom: Taskloom, runId: string, note: (line: string) => void) {
    this.#taskloom = taskloom;
    this.#runId = runId;
    this.#note = note;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#check(), CHECK_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const run = await this.#taskloom.getRun(this.#runId);
      for (const task of run.tasks) {
        if (!task.waitingFor) continue;
        const line = `task ${task.key} is ${task.waitingFor} (start one: taskloom worker --register FILE, or run with --register FILE)`;
        if (this.#said.has(line)) continue;
        this.#said.add(line);
        this.#note(line);
      }
    } catch {
      // A read that fails (the run just ended, the database is busy) is tried again at the next tick.
    } finally {
      this.#checking = false;
    }
  }
}
