-- CreateTable
CREATE TABLE "embeddings" (
    "embedder" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "vector" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "embeddings_pkey" PRIMARY KEY ("embedder","content_hash")
);
