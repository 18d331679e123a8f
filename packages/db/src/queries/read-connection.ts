import type { TaskloomPrisma } from "./prisma-sqlite.ts";

/**
 * How the read side reaches the database: the Prisma client (created on first use, so a worker that never
 * lists anything never opens this connection), and the provider, for the few places where Prisma's query
 * API differs between them.
 */
export interface ReadConnection {
  prisma(): TaskloomPrisma;
  provider: "sqlite" | "postgresql";
}

/**
 * A case-insensitive substring filter on every provider. SQLite's LIKE (what Prisma's `contains` becomes
 * there) already ignores ASCII case; PostgreSQL's LIKE does not, and Prisma's `mode: "insensitive"` (ILIKE)
 * exists only for PostgreSQL.
 */
export function containsIgnoringCase(connection: ReadConnection, text: string): { contains: string } {
  return connection.provider === "postgresql"
    ? ({ contains: text, mode: "insensitive" } as { contains: string })
    : { contains: text };
}
