-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN "concurrency_key" TEXT;
ALTER TABLE "task_runs" ADD COLUMN "concurrency_limit" INTEGER;
ALTER TABLE "task_runs" ADD COLUMN "not_before" DATETIME;

-- CreateIndex
CREATE INDEX "task_runs_concurrency_key_status_idx" ON "task_runs"("concurrency_key", "status");

-- CreateIndex
CREATE INDEX "task_runs_not_before_idx" ON "task_runs"("not_before");
