import type { LogChunkInput } from "@taskloom/core";

/**
 * Collects log chunks from every running attempt and writes them in batches: one transaction per flush
 * instead of one per chunk, which matters when a task prints thousands of short lines. Adjacent chunks of the
 * same attempt and stream are merged up to `maxChunkChars`.
 */
export class LogBuffer {
  #chunks: LogChunkInput[] = [];
  #size = 0;
  readonly #write: (chunks: LogChunkInput[]) => Promise<void>;
  readonly #maxChunkChars: number;
  readonly #maxBufferedChars: number;

  /**
   * @param maxChunkChars largest merged chunk. Default 16384.
   * @param maxBufferedChars flush early past this many buffered characters. Default 262144.
   */
  constructor(
    write: (chunks: LogChunkInput[]) => Promise<void>,
    maxChunkChars = 16_384,
    maxBufferedChars = 262_144,
  ) {
    this.#write = write;
    this.#maxChunkChars = maxChunkChars;
    this.#maxBufferedChars = maxBufferedChars;
  }

  /** Returns true when the buffer is big enough that the caller should flush now. */
  push(chunk: LogChunkInput): boolean {
    const last = this.#chunks[this.#chunks.length - 1];
    if (
      last &&
      last.taskRunId === chunk.taskRunId &&
      last.attempt === chunk.attempt &&
      last.stream === chunk.stream &&
      last.text.length + chunk.text.length <= this.#maxChunkChars
    ) {
      last.text += chunk.text;
    } else {
      this.#chunks.push({ ...chunk });
    }
    this.#size += chunk.text.length;
    return this.#size >= this.#maxBufferedChars;
  }

  get empty(): boolean {
    return this.#chunks.length === 0;
  }

  async flush(): Promise<void> {
    if (this.#chunks.length === 0) return;
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#size = 0;
    await this.#write(chunks);
  }
}
