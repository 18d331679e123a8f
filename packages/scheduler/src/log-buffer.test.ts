import type { LogChunkInput } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { LogBuffer } from "./log-buffer.ts";

const chunk = (taskRunId: number, stream: "stdout" | "stderr", text: string): LogChunkInput => ({
  taskRunId,
  attempt: 1,
  stream,
  text,
  at: 0,
});

describe("LogBuffer", () => {
  it("merges adjacent chunks of one stream and keeps the order across streams and tasks", async () => {
    const written: LogChunkInput[][] = [];
    const buffer = new LogBuffer(async (chunks) => {
      written.push(chunks);
    });
    buffer.push(chunk(1, "stdout", "a"));
    buffer.push(chunk(1, "stdout", "b"));
    buffer.push(chunk(1, "stderr", "c"));
    buffer.push(chunk(2, "stdout", "d"));
    buffer.push(chunk(1, "stdout", "e"));
    await buffer.flush();
    expect(written).toHaveLength(1);
    expect(written[0]?.map((c) => [c.taskRunId, c.stream, c.text])).toEqual([
      [1, "stdout", "ab"],
      [1, "stderr", "c"],
      [2, "stdout", "d"],
      [1, "stdout", "e"],
    ]);
    expect(buffer.empty).toBe(true);
  });

  it("asks for an early flush past its size and never merges beyond the chunk limit", () => {
    const buffer = new LogBuffer(async () => {}, 4, 8);
    expect(buffer.push(chunk(1, "stdout", "abc"))).toBe(false);
    expect(buffer.push(chunk(1, "stdout", "def"))).toBe(false);
    expect(buffer.push(chunk(1, "stdout", "gh"))).toBe(true);
  });
});
