-- AlterTable
ALTER TABLE "task_attempts" ADD COLUMN "approved_snapshot_hash" TEXT;

-- CreateTable
CREATE TABLE "context_replays" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "plan_id" TEXT NOT NULL,
    "task_key" TEXT NOT NULL,
    "snapshot_hash" TEXT NOT NULL,
    "source_run_id" TEXT NOT NULL,
    "source_attempt" INTEGER NOT NULL,
    "run_id" TEXT,
    "requested_at" DATETIME NOT NULL,
    CONSTRAINT "context_replays_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "context_replays_plan_id_task_key_idx" ON "context_replays"("plan_id", "task_key");

-- CreateIndex
CREATE UNIQUE INDEX "context_replays_run_id_task_key_key" ON "context_replays"("run_id", "task_key");
