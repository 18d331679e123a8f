import { describe, expect, it } from "vitest";
import { EMPTY_LOG_BUFFER, type LogChunk, MAX_BUFFERED_CHUNKS, mergeChunks } from "./log-buffer.ts";

const chunk = (seq: number): LogChunk => ({
  seq,
  attempt: 1,
  stream: "stdout",
  text: `line ${seq}\n`,
  createdAt: seq,
});

describe("mergeChunks", () => {
  it("merges overlapping pages in sequence order without duplicates", () => {
    let buffer = mergeChunks(EMPTY_LOG_BUFFER, [chunk(5), chunk(6)], { olderExist: true });
    buffer = mergeChunks(buffer, [chunk(6), chunk(7)]);
    buffer = mergeChunks(buffer, [chunk(3), chunk(4)], { olderExist: false });
    expect(buffer.chunks.map((c) => c.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(buffer.hasOlder).toBe(false);
  });

  it("drops the oldest chunks past the cap while following, and says older ones exist", () => {
    const many = Array.from({ length: MAX_BUFFERED_CHUNKS + 10 }, (_, i) => chunk(i + 1));
    const buffer = mergeChunks(EMPTY_LOG_BUFFER, many, { olderExist: false });
    expect(buffer.chunks).toHaveLength(MAX_BUFFERED_CHUNKS);
    expect(buffer.chunks[0]?.seq).toBe(11);
    expect(buffer.hasOlder).toBe(true);
  });

  it("returns the same buffer for an empty page", () => {
    const buffer = mergeChunks(EMPTY_LOG_BUFFER, [chunk(1)]);
    expect(mergeChunks(buffer, [])).toBe(buffer);
  });
});
