-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN "handler" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_workers" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "queues_json" TEXT NOT NULL DEFAULT '[]',
    "handlers_json" TEXT NOT NULL DEFAULT '[]',
    "concurrency" INTEGER NOT NULL,
    "started_at" DATETIME NOT NULL,
    "heartbeat_at" DATETIME NOT NULL,
    "stopped_at" DATETIME
);
INSERT INTO "new_workers" ("concurrency", "heartbeat_at", "host", "id", "pid", "queues_json", "started_at", "stopped_at") SELECT "concurrency", "heartbeat_at", "host", "id", "pid", "queues_json", "started_at", "stopped_at" FROM "workers";
DROP TABLE "workers";
ALTER TABLE "new_workers" RENAME TO "workers";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
