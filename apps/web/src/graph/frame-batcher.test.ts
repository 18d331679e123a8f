import { describe, expect, it } from "vitest";
import { createFrameBatcher } from "./frame-batcher.ts";

function manualScheduler() {
  const queue: (() => void)[] = [];
  return {
    schedule: (callback: () => void) => queue.push(callback),
    runFrame: () => {
      for (const callback of queue.splice(0)) callback();
    },
    get scheduled() {
      return queue.length;
    },
  };
}

describe("createFrameBatcher", () => {
  it("delivers everything pushed during a frame in one batch, in order", () => {
    const frames = manualScheduler();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => batches.push(items), frames.schedule);
    for (let i = 0; i < 100; i++) batcher.push(i);
    expect(frames.scheduled).toBe(1);
    expect(batches).toEqual([]);
    frames.runFrame();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("schedules a new frame for items pushed after a flush", () => {
    const frames = manualScheduler();
    const batches: string[][] = [];
    const batcher = createFrameBatcher<string>((items) => batches.push(items), frames.schedule);
    batcher.push("a");
    frames.runFrame();
    batcher.push("b");
    batcher.push("c");
    frames.runFrame();
    expect(batches).toEqual([["a"], ["b", "c"]]);
  });

  it("delivers nothing after dispose", () => {
    const frames = manualScheduler();
    const batches: string[][] = [];
    const batcher = createFrameBatcher<string>((items) => batches.push(items), frames.schedule);
    batcher.push("a");
    batcher.dispose();
    frames.runFrame();
    batcher.push("b");
    frames.runFrame();
    expect(batches).toEqual([]);
  });
});
