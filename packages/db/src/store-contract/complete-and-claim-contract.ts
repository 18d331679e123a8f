import { type AttemptOutcome, parsePlanObject } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import type { ContractStore } from "./store-contract.ts";

/**
 * A completion that also claims (`completeTaskRuns(results, now, claim)`, run on every store by
 * `describeStoreContract`): what it claims is what a claim right after the completion would take, leased to the
 * claiming worker, with the claim's events; without the `claim` nothing is claimed.
 */
export function describeCompleteAndClaimContract(current: () => ContractStore): void {
  const LEASE = 1_000;
  const ok: AttemptOutcome = { status: "succeeded", exitCode: 0, outputText: "a's output", outputJson: null };

  describe("complete and claim in one call", () => {
    it("leases the dependents the completion released, with their upstream outputs, up to the limit", async () => {
      const store = current();
      await store.importPlan(
        parsePlanObject({
          plan: "cc",
          tasks: {
            a: { kind: "noop" },
            b: { kind: "noop", requires: ["a"] },
            c: { kind: "noop", requires: ["a"] },
          },
        }),
        { baseDir: null, now: 0 },
      );
      const { runId } = await store.createRun({ planSlug: "cc", trigger: "api", params: {}, now: 0 });
      const [a] = await store.claimTaskRuns({ workerId: "w", limit: 1, leaseMs: LEASE, now: 1 });
      if (!a) throw new Error("a was not claimed");

      const result = await store.completeTaskRuns(
        [{ taskRunId: a.id, attempt: a.attempt, workerId: "w", outcome: ok }],
        2,
        { workerId: "w", limit: 1, leaseMs: LEASE, now: 2, runId },
      );
      expect(result.recorded).toEqual([a.id]);
      expect(result.claimed?.map((t) => [t.taskKey, t.attempt, t.upstream])).toEqual([
        ["b", 1, { a: { output: "a's output", json: null } }],
      ]);
      expect(await store.leasedTaskRuns("w")).toEqual(result.claimed?.map((t) => t.id));
      const events = await store.readEvents({ afterId: 0, runId, limit: 1000 });
      expect(events.filter((e) => e.taskKey === "b").map((e) => e.toStatus)).toEqual(["ready", "running"]);

      // Without a claim, nothing is leased: c stays for the next claim.
      const [b] = result.claimed ?? [];
      if (!b) throw new Error("b was not claimed");
      const plain = await store.completeTaskRuns(
        [{ taskRunId: b.id, attempt: b.attempt, workerId: "w", outcome: ok }],
        3,
      );
      expect(plain.claimed ?? []).toEqual([]);
      expect(
        (await store.claimTaskRuns({ workerId: "w2", limit: 5, leaseMs: LEASE, now: 4 })).map(
          (t) => t.taskKey,
        ),
      ).toEqual(["c"]);
    });
  });
}
