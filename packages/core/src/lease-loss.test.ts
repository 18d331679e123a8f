import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  consecutiveLostLeases,
  DEFAULT_MAX_LOST_LEASES,
  decideLostLease,
  isWorkerDead,
} from "./lease-loss.ts";

describe("lost leases", () => {
  it("requeues until the cap, then fails with reason lost", () => {
    expect(DEFAULT_MAX_LOST_LEASES).toBe(3);
    expect(decideLostLease({ lostBefore: 0, maxLostLeases: 3 })).toEqual({ to: "ready", lostInARow: 1 });
    expect(decideLostLease({ lostBefore: 1, maxLostLeases: 3 })).toEqual({ to: "ready", lostInARow: 2 });
    expect(decideLostLease({ lostBefore: 2, maxLostLeases: 3 })).toMatchObject({
      to: "failed",
      reason: "lost",
      lostInARow: 3,
    });
    expect(decideLostLease({ lostBefore: 0, maxLostLeases: 1 }).to).toBe("failed");
  });

  it("fails exactly at the maxLostLeases-th loss in a row, whatever the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 40 }), (cap, before) => {
        const decision = decideLostLease({ lostBefore: before, maxLostLeases: cap });
        expect(decision.to === "failed").toBe(before + 1 >= cap);
      }),
    );
  });

  it("counts only the unbroken streak of lost attempts, newest first", () => {
    expect(consecutiveLostLeases([])).toBe(0);
    expect(consecutiveLostLeases(["lost", "lost", "exit_code", "lost"])).toBe(2);
    expect(consecutiveLostLeases(["timeout", "lost"])).toBe(0);
  });
});

describe("dead workers", () => {
  const worker = { id: "w", host: "h1", pid: 42, startedAt: 1_000, heartbeatAt: 5_000 };
  const alive = () => true;

  it("is dead when its heartbeat is stale, on any host", () => {
    expect(isWorkerDead(worker, { staleBefore: 6_000, host: "h2", isPidAlive: alive })).toBe(true);
    expect(isWorkerDead(worker, { staleBefore: 4_000, host: "h2", isPidAlive: () => false })).toBe(false);
  });

  it("is dead at once on its own host when its process is gone, asked about the process it registered", () => {
    const asked: [number, number][] = [];
    const gone = (pid: number, since: number) => {
      asked.push([pid, since]);
      return false;
    };
    expect(isWorkerDead(worker, { staleBefore: 0, host: "h1", isPidAlive: gone })).toBe(true);
    expect(asked).toEqual([[42, 1_000]]);
    expect(isWorkerDead(worker, { staleBefore: 0, host: "h1", isPidAlive: alive })).toBe(false);
  });
});
