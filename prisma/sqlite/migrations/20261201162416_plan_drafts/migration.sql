-- CreateTable
CREATE TABLE "plan_drafts" (
    "plan_id" TEXT NOT NULL PRIMARY KEY,
    "goal" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "into_slug" TEXT,
    "created_at" DATETIME NOT NULL,
    CONSTRAINT "plan_drafts_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
