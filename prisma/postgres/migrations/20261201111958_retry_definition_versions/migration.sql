-- AlterTable
ALTER TABLE "task_attempts" ADD COLUMN     "spec_json" TEXT,
ADD COLUMN     "spec_version" INTEGER;

-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN     "spec_version" INTEGER;
