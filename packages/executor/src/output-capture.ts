/**
 * Capture of one output stream (a process's stdout or stderr, a response body). Bytes are decoded as they
 * arrive with a streaming decoder, so a multi-byte character split across chunks comes out whole and
 * invalid bytes become U+FFFD instead of failing. The whole text goes to the listener, but only the first
 * `limitBytes` are kept in memory: a task that prints gigabytes costs its log sink, not the worker's heap.
 */

/** Output kept for a result: 1 MiB. */
export const OUTPUT_LIMIT_BYTES = 1024 * 1024;

/** Characters kept from the end of the stream, enough to find its last line. */
const TAIL_CHARS = 4096;
/** Longest last line reported in an error message. */
const LAST_LINE_CHARS = 500;

export interface CapturedOutput {
  /** The kept text, without any truncation marker. */
  text: string;
  truncated: boolean;
  totalBytes: number;
}

export class OutputCapture {
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  private readonly limitBytes: number;
  private readonly onText: ((text: string) => void) | undefined;
  private readonly head: Uint8Array[] = [];
  private headBytes = 0;
  private totalBytes = 0;
  private tail = "";
  private ended = false;

  constructor(
    options: {
      /** Bytes kept for `result()`. Default `OUTPUT_LIMIT_BYTES` (1 MiB). */
      limitBytes?: number;
      /** Receives every decoded piece of text, in order. Default: none. */
      onText?: (text: string) => void;
    } = {},
  ) {
    this.limitBytes = options.limitBytes ?? OUTPUT_LIMIT_BYTES;
    this.onText = options.onText;
  }

  push(chunk: Uint8Array): void {
    if (this.ended || chunk.byteLength === 0) return;
    this.totalBytes += chunk.byteLength;
    const room = this.limitBytes - this.headBytes;
    if (room > 0) {
      const kept = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
      this.head.push(kept);
      this.headBytes += kept.byteLength;
    }
    this.emit(this.decoder.decode(chunk, { stream: true }));
  }

  /** Flushes the decoder: bytes of an unfinished character become U+FFFD. Later pushes are ignored. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit(this.decoder.decode());
  }

  result(): CapturedOutput {
    const truncated = this.totalBytes > this.limitBytes;
    const bytes = Buffer.concat(this.head, this.headBytes);
    const kept = truncated ? bytes.subarray(0, utf8BoundaryBefore(bytes)) : bytes;
    return {
      text: new TextDecoder("utf-8", { fatal: false }).decode(kept),
      truncated,
      totalBytes: this.totalBytes,
    };
  }

  /** The last non-blank line seen, trimmed and shortened; null if there was none. */
  lastLine(): string | null {
    const lines = this.tail.split(/\r?\n/);
    for (let index = lines.length - 1; index >= 0; index--) {
      const line = lines[index]?.trim();
      if (line) return line.length > LAST_LINE_CHARS ? `${line.slice(0, LAST_LINE_CHARS)}…` : line;
    }
    return null;
  }

  private emit(text: string): void {
    if (text === "") return;
    this.tail = (this.tail + text).slice(-TAIL_CHARS);
    this.onText?.(text);
  }
}

/** The text of a captured output, with the marker a reader sees when the output was cut. */
export function withTruncationMarker(text: string, output: CapturedOutput): string {
  return output.truncated ? `${text}\n…[output truncated: ${output.totalBytes} bytes total]` : text;
}

/**
 * Where to cut `bytes` so that a multi-byte character at the end is dropped whole rather than halved
 * (a halved character would decode to U+FFFD, which was never in the output).
 */
function utf8BoundaryBefore(bytes: Uint8Array): number {
  const end = bytes.byteLength;
  let start = end - 1;
  // Walk back over at most three continuation bytes (10xxxxxx) to the lead byte of the last character.
  while (start > 0 && end - start < 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = bytes[start] ?? 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + length > end ? start : end;
}
