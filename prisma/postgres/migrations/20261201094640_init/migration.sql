-- CreateTable
CREATE TABLE "plans" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "goal" TEXT NOT NULL DEFAULT '',
    "index_doc" TEXT NOT NULL DEFAULT '',
    "params_json" TEXT NOT NULL DEFAULT '{}',
    "definition_json" TEXT NOT NULL,
    "definition_hash" TEXT NOT NULL,
    "base_dir" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "spec_json" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "queue" TEXT NOT NULL DEFAULT 'default',
    "retry_json" TEXT NOT NULL,
    "timeout_ms" INTEGER,
    "concurrency_key" TEXT,
    "parent_key" TEXT,
    "position_x" DOUBLE PRECISION,
    "position_y" DOUBLE PRECISION,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_links" (
    "id" SERIAL NOT NULL,
    "plan_id" TEXT NOT NULL,
    "from_key" TEXT NOT NULL,
    "to_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "task_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "plan_version" INTEGER NOT NULL,
    "graph_json" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "params_json" TEXT NOT NULL DEFAULT '{}',
    "base_dir" TEXT,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_runs" (
    "id" SERIAL NOT NULL,
    "run_id" TEXT NOT NULL,
    "task_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "spec_json" TEXT NOT NULL,
    "params_json" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "pending_deps" INTEGER NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "queue" TEXT NOT NULL DEFAULT 'default',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "available_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "exit_code" INTEGER,
    "output_text" TEXT,
    "output_json" TEXT,
    "error" TEXT,
    "reason" TEXT,

    CONSTRAINT "task_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_run_dependencies" (
    "run_id" TEXT NOT NULL,
    "from_id" INTEGER NOT NULL,
    "to_id" INTEGER NOT NULL,

    CONSTRAINT "task_run_dependencies_pkey" PRIMARY KEY ("from_id","to_id")
);

-- CreateTable
CREATE TABLE "task_attempts" (
    "task_run_id" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "worker_id" TEXT,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "exit_code" INTEGER,
    "error" TEXT,
    "reason" TEXT,

    CONSTRAINT "task_attempts_pkey" PRIMARY KEY ("task_run_id","attempt")
);

-- CreateTable
CREATE TABLE "events" (
    "id" SERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "run_id" TEXT,
    "task_run_id" INTEGER,
    "task_key" TEXT,
    "from_status" TEXT,
    "to_status" TEXT,
    "data_json" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_chunks" (
    "id" SERIAL NOT NULL,
    "task_run_id" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "log_chunks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queues" (
    "name" TEXT NOT NULL,
    "concurrency" INTEGER,
    "paused" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "queues_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "workers" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "queues_json" TEXT NOT NULL DEFAULT '[]',
    "concurrency" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "plans_slug_key" ON "plans"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "tasks_plan_id_key_key" ON "tasks"("plan_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "task_links_plan_id_from_key_to_key_kind_key" ON "task_links"("plan_id", "from_key", "to_key", "kind");

-- CreateIndex
CREATE INDEX "runs_plan_id_created_at_idx" ON "runs"("plan_id", "created_at");

-- CreateIndex
CREATE INDEX "runs_status_idx" ON "runs"("status");

-- CreateIndex
CREATE INDEX "runs_created_at_id_idx" ON "runs"("created_at", "id");

-- CreateIndex
CREATE INDEX "task_runs_status_priority_id_idx" ON "task_runs"("status", "priority" DESC, "id");

-- CreateIndex
CREATE INDEX "task_runs_run_id_status_priority_id_idx" ON "task_runs"("run_id", "status", "priority" DESC, "id");

-- CreateIndex
CREATE INDEX "task_runs_status_lease_expires_at_idx" ON "task_runs"("status", "lease_expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "task_runs_run_id_task_key_key" ON "task_runs"("run_id", "task_key");

-- CreateIndex
CREATE INDEX "task_run_dependencies_to_id_idx" ON "task_run_dependencies"("to_id");

-- CreateIndex
CREATE INDEX "events_run_id_id_idx" ON "events"("run_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "log_chunks_task_run_id_seq_key" ON "log_chunks"("task_run_id", "seq");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_links" ADD CONSTRAINT "task_links_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_runs" ADD CONSTRAINT "task_runs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_attempts" ADD CONSTRAINT "task_attempts_task_run_id_fkey" FOREIGN KEY ("task_run_id") REFERENCES "task_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
