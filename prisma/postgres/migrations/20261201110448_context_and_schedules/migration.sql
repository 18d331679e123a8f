-- AlterTable
ALTER TABLE "task_attempts" ADD COLUMN     "completion_tokens" INTEGER,
ADD COLUMN     "model" TEXT,
ADD COLUMN     "prompt_tokens" INTEGER,
ADD COLUMN     "snapshot_hash" TEXT;

-- CreateTable
CREATE TABLE "documents" (
    "id" SERIAL NOT NULL,
    "plan_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notes" (
    "id" SERIAL NOT NULL,
    "plan_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_overrides" (
    "id" SERIAL NOT NULL,
    "plan_id" TEXT NOT NULL,
    "task_key" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "context_overrides_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_approvals" (
    "id" SERIAL NOT NULL,
    "plan_id" TEXT NOT NULL,
    "task_key" TEXT NOT NULL,
    "snapshot_hash" TEXT NOT NULL,
    "approved_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "context_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_snapshots" (
    "hash" TEXT NOT NULL,
    "json" TEXT NOT NULL,
    "budget" INTEGER NOT NULL,
    "used_tokens" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "context_snapshots_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "context_cache" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "context_cache_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "schedules" (
    "id" TEXT NOT NULL,
    "plan_slug" TEXT NOT NULL,
    "name" TEXT,
    "source" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "rule_json" TEXT NOT NULL,
    "params_json" TEXT NOT NULL DEFAULT '{}',
    "missed" TEXT NOT NULL DEFAULT 'skip',
    "overlap" TEXT NOT NULL DEFAULT 'skip',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "anchor_at" TIMESTAMPTZ(3) NOT NULL,
    "next_fire_at" TIMESTAMPTZ(3),
    "last_fire_at" TIMESTAMPTZ(3),
    "last_run_id" TEXT,
    "queued_fires_json" TEXT NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "documents_plan_id_key_key" ON "documents"("plan_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "notes_plan_id_key_key" ON "notes"("plan_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "context_overrides_plan_id_task_key_ref_key" ON "context_overrides"("plan_id", "task_key", "ref");

-- CreateIndex
CREATE UNIQUE INDEX "context_approvals_plan_id_task_key_key" ON "context_approvals"("plan_id", "task_key");

-- CreateIndex
CREATE INDEX "schedules_enabled_next_fire_at_idx" ON "schedules"("enabled", "next_fire_at");

-- CreateIndex
CREATE UNIQUE INDEX "schedules_plan_slug_name_key" ON "schedules"("plan_slug", "name");

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "context_overrides" ADD CONSTRAINT "context_overrides_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "context_approvals" ADD CONSTRAINT "context_approvals_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;
