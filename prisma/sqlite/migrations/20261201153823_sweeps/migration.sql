-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN "point_count" INTEGER;
ALTER TABLE "task_runs" ADD COLUMN "point_index" INTEGER;
ALTER TABLE "task_runs" ADD COLUMN "point_params_json" TEXT;
ALTER TABLE "task_runs" ADD COLUMN "sweep_group_id" INTEGER;
ALTER TABLE "task_runs" ADD COLUMN "sweep_need" TEXT;

-- CreateIndex
CREATE INDEX "task_runs_sweep_group_id_point_index_idx" ON "task_runs"("sweep_group_id", "point_index");
