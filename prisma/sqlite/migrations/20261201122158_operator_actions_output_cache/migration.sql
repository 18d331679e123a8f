-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN "cache_key" TEXT;
ALTER TABLE "task_runs" ADD COLUMN "output_from" TEXT;
ALTER TABLE "task_runs" ADD COLUMN "output_from_run_id" TEXT;

-- CreateTable
CREATE TABLE "output_cache" (
    "plan_id" TEXT NOT NULL,
    "task_key" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "output_text" TEXT,
    "output_json" TEXT,
    "exit_code" INTEGER,
    "run_id" TEXT NOT NULL,
    "task_run_id" INTEGER NOT NULL,
    "stored_at" DATETIME NOT NULL,

    PRIMARY KEY ("plan_id", "task_key", "key")
);
