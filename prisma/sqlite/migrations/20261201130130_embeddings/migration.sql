-- CreateTable
CREATE TABLE "embeddings" (
    "embedder" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "vector" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,

    PRIMARY KEY ("embedder", "content_hash")
);
