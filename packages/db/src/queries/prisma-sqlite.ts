import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/sqlite/client.ts";

export type TaskloomPrisma = InstanceType<typeof PrismaClient>;

/**
 * The Prisma client for the read side (lists, details, logs). It has its own connection; in WAL mode reads
 * never wait for the engine's writes. Timestamps are integers (epoch ms), the format the hot-path SQL writes.
 */
export function createSqlitePrisma(filePath: string): TaskloomPrisma {
  const adapter = new PrismaBetterSqlite3({ url: filePath }, { timestampFormat: "unixepoch-ms" });
  return new PrismaClient({ adapter });
}
