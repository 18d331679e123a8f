/**
 * The loop of a system that works in ticks (the schedule and approval-timeout systems): one tick now and then
 * every `everyMs`, never two at once (a slow tick is not stacked on: the next interval finds it going and
 * passes), with a timer that does not hold the process open. Tests call `tick()` directly.
 */
export class PeriodicTick<T> {
  readonly #run: () => Promise<T>;
  readonly #everyMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<T> | null = null;

  /** `onError` gets what a timer-driven tick threw (a direct `tick()` rejects instead). */
  constructor(run: () => Promise<T>, everyMs: number, onError: (error: unknown) => void) {
    this.#run = run;
    this.#everyMs = everyMs;
    this.#onError = onError;
  }

  /** Ticks now and then every `everyMs` until `stop()`. Idempotent. */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.#safeTick(), this.#everyMs);
    this.#timer.unref();
    void this.#safeTick();
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking?.catch(() => undefined);
  }

  async #safeTick(): Promise<void> {
    if (this.#ticking !== null) return;
    try {
      await this.tick();
    } catch (error) {
      this.#onError(error);
    }
  }

  /** One tick (after any tick in progress). */
  async tick(): Promise<T> {
    while (this.#ticking !== null) await this.#ticking.catch(() => undefined);
    this.#ticking = this.#run().finally(() => {
      this.#ticking = null;
    });
    return this.#ticking;
  }
}
