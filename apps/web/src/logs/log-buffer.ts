export type LogStream = "stdout" | "stderr" | "system";

export interface LogChunk {
  seq: number;
  attempt: number;
  stream: string;
  text: string;
  createdAt: number;
}

export interface LogBuffer {
  chunks: LogChunk[];
  /** Whether chunks older than the first one exist on the server. */
  hasOlder: boolean;
}

export const EMPTY_LOG_BUFFER: LogBuffer = { chunks: [], hasOlder: false };

/** How many chunks the tail keeps in memory; scrolling up loads older pages back in. */
export const MAX_BUFFERED_CHUNKS = 5000;

/**
 * Merges a page of chunks into the buffer by sequence number: pages may overlap (a follow request racing a
 * page load), so duplicates are dropped and order is restored. When the buffer grows past the cap while
 * following, the oldest chunks go (and can be loaded again).
 */
export function mergeChunks(
  buffer: LogBuffer,
  page: readonly LogChunk[],
  options: { olderExist?: boolean; keep?: "newest" | "oldest" } = {},
): LogBuffer {
  let hasOlder = options.olderExist ?? buffer.hasOlder;
  if (page.length === 0) return hasOlder === buffer.hasOlder ? buffer : { ...buffer, hasOlder };
  const bySeq = new Map<number, LogChunk>();
  for (const chunk of buffer.chunks) bySeq.set(chunk.seq, chunk);
  for (const chunk of page) bySeq.set(chunk.seq, chunk);
  let chunks = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  if (chunks.length > MAX_BUFFERED_CHUNKS) {
    if (options.keep === "oldest") {
      chunks = chunks.slice(0, MAX_BUFFERED_CHUNKS);
    } else {
      chunks = chunks.slice(chunks.length - MAX_BUFFERED_CHUNKS);
      hasOlder = true;
    }
  }
  return { chunks, hasOlder };
}

export function lastSeq(buffer: LogBuffer): number | undefined {
  return buffer.chunks[buffer.chunks.length - 1]?.seq;
}

export function firstSeq(buffer: LogBuffer): number | undefined {
  return buffer.chunks[0]?.seq;
}

export function streamOf(chunk: Pick<LogChunk, "stream">): LogStream {
  return chunk.stream === "stderr" || chunk.stream === "system" ? chunk.stream : "stdout";
}
