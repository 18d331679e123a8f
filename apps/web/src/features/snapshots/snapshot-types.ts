import type { RouterOutputs } from "../../trpc/types.ts";

export type AttemptSnapshot = RouterOutputs["snapshots"]["attempt"];
export type SnapshotBody = AttemptSnapshot["snapshot"];
export type SnapshotItem = SnapshotBody["items"][number];
export type SnapshotDiff = RouterOutputs["snapshots"]["diff"];
