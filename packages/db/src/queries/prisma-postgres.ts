import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "../generated/postgres/client.ts";
import type { TaskloomPrisma } from "./prisma-sqlite.ts";

export type TaskloomPostgresPrisma = InstanceType<typeof PrismaClient>;

/**
 * The Prisma client for the read side over PostgreSQL, on the store's own pool (so the process's connection
 * count is the pool's size, whoever queries). Closing the client leaves the pool open: the store ends it.
 *
 * Typed as the SQLite client for the read model: both are generated from the same models, and the read
 * model uses only what both providers' clients share (plus `mode: "insensitive"`, added by
 * `containsIgnoringCase` on PostgreSQL only).
 */
export function createPostgresPrisma(pool: pg.Pool): TaskloomPrisma {
  const client: TaskloomPostgresPrisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return client as unknown as TaskloomPrisma;
}
