-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN     "handler" TEXT;

-- AlterTable
ALTER TABLE "workers" ADD COLUMN     "handlers_json" TEXT NOT NULL DEFAULT '[]';
