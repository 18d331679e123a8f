import { describe, expect, it } from "vitest";
import { WORKER_LOST_AFTER_MS, workerState } from "./worker-state.ts";

describe("workerState", () => {
  it("is alive up to the threshold after its last heartbeat and lost after it", () => {
    expect(workerState({ heartbeatAt: 1_000 }, 1_000)).toBe("alive");
    expect(workerState({ heartbeatAt: 1_000 }, 1_000 + WORKER_LOST_AFTER_MS)).toBe("alive");
    expect(workerState({ heartbeatAt: 1_000 }, 1_001 + WORKER_LOST_AFTER_MS)).toBe("lost");
    expect(workerState({ heartbeatAt: 1_000 }, 1_600, 500)).toBe("lost");
  });
});
