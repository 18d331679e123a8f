-- CreateIndex
CREATE INDEX "runs_created_at_id_idx" ON "runs"("created_at", "id");
