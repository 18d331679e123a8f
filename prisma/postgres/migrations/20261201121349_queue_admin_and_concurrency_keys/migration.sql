-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN     "concurrency_key" TEXT,
ADD COLUMN     "concurrency_limit" INTEGER,
ADD COLUMN     "not_before" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "task_runs_concurrency_key_status_idx" ON "task_runs"("concurrency_key", "status");

-- CreateIndex
CREATE INDEX "task_runs_not_before_idx" ON "task_runs"("not_before");
