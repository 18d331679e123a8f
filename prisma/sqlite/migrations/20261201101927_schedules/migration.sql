-- CreateTable
CREATE TABLE "schedules" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "plan_slug" TEXT NOT NULL,
    "name" TEXT,
    "source" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "rule_json" TEXT NOT NULL,
    "params_json" TEXT NOT NULL DEFAULT '{}',
    "missed" TEXT NOT NULL DEFAULT 'skip',
    "overlap" TEXT NOT NULL DEFAULT 'skip',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "anchor_at" DATETIME NOT NULL,
    "next_fire_at" DATETIME,
    "last_fire_at" DATETIME,
    "last_run_id" TEXT,
    "queued_fires_json" TEXT NOT NULL DEFAULT '[]',
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "schedules_enabled_next_fire_at_idx" ON "schedules"("enabled", "next_fire_at");

-- CreateIndex
CREATE UNIQUE INDEX "schedules_plan_slug_name_key" ON "schedules"("plan_slug", "name");
