-- AlterTable
ALTER TABLE "task_attempts" ADD COLUMN "completion_tokens" INTEGER;
ALTER TABLE "task_attempts" ADD COLUMN "model" TEXT;
ALTER TABLE "task_attempts" ADD COLUMN "prompt_tokens" INTEGER;
ALTER TABLE "task_attempts" ADD COLUMN "snapshot_hash" TEXT;

-- CreateTable
CREATE TABLE "documents" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "plan_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "documents_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "notes" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "plan_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "notes_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "context_overrides" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "plan_id" TEXT NOT NULL,
    "task_key" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "context_overrides_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "context_approvals" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "plan_id" TEXT NOT NULL,
    "task_key" TEXT NOT NULL,
    "snapshot_hash" TEXT NOT NULL,
    "approved_at" DATETIME NOT NULL,
    CONSTRAINT "context_approvals_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "context_snapshots" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "json" TEXT NOT NULL,
    "budget" INTEGER NOT NULL,
    "used_tokens" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "context_cache" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "documents_plan_id_key_key" ON "documents"("plan_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "notes_plan_id_key_key" ON "notes"("plan_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "context_overrides_plan_id_task_key_ref_key" ON "context_overrides"("plan_id", "task_key", "ref");

-- CreateIndex
CREATE UNIQUE INDEX "context_approvals_plan_id_task_key_key" ON "context_approvals"("plan_id", "task_key");
