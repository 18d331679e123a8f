/**
 * The PostgreSQL folder's models, derived from the shared `prisma/models.prisma`.
 *
 * Why not a symlink, as in `prisma/sqlite/`: Prisma maps `DateTime` to `timestamp(3)` (without time zone) on
 * PostgreSQL, and the raw SQL of the store (and, later, lease times from the database clock) needs
 * `timestamptz(3)`, which is unambiguous whatever a session's `TimeZone`. Saying so takes a native-type
 * attribute, `@db.Timestamptz(3)`, which the SQLite provider rejects, and Prisma has no per-provider
 * attributes. So the shared file stays portable and this folder gets a copy with the attribute added to every
 * `DateTime` field. `pnpm db:migration` rewrites it; the drift check (test and `migration:check`) fails while
 * it is stale.
 *
 * The same copy widens the `Int` fields whose line says `// PostgreSQL: BigInt` (event ids: SQLite's INTEGER
 * is 64-bit already, PostgreSQL's `integer` runs out at 2^31). Only fields no Prisma query reads are marked,
 * because Prisma returns a JS `bigint` for them on PostgreSQL and a `number` on SQLite.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const prismaRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../../prisma");

/** `<repo>/prisma/models.prisma`: the models every provider shares. */
export const sharedModelsPath = path.join(prismaRoot, "models.prisma");

/** `<repo>/prisma/postgres/models.prisma`: the derived copy (committed, so `prisma generate` can read it). */
export const postgresModelsPath = path.join(prismaRoot, "postgres", "models.prisma");

const HEADER = `// GENERATED from ../models.prisma by packages/db/src/migrations/postgres-models.ts: do not edit.
// Every DateTime field carries @db.Timestamptz(3), fields marked "PostgreSQL: BigInt" are BigInt; run \`pnpm db:migration --name <change>\` after changing
// ../models.prisma, which rewrites this file and writes the migrations of both providers.

`;

/** A field line whose type is `DateTime` or `DateTime?`, split around the type. */
const DATETIME_FIELD = /^(\s+\w+\s+DateTime\??)(?=\s|$)(.*)$/;

/** A field line whose type is `Int` and which asks to be `BigInt` on PostgreSQL, split around the type. */
const BIGINT_FIELD = /^(\s+\w+\s+)Int(\s.*\/\/ PostgreSQL: BigInt\b.*)$/;

/** The shared models with `@db.Timestamptz(3)` on every DateTime field and the marked Int fields as BigInt. */
export function postgresModelsFrom(shared: string): string {
  const lines = shared.split("\n").map((line) => {
    const wide = BIGINT_FIELD.exec(line);
    if (wide) return `${wide[1]}BigInt${wide[2]}`;
    const match = DATETIME_FIELD.exec(line);
    if (!match || line.includes("@db.")) return line;
    return `${match[1]} @db.Timestamptz(3)${match[2]}`;
  });
  return HEADER + lines.join("\n");
}

/** What `prisma/postgres/models.prisma` must contain for the shared models as they are now. */
export async function expectedPostgresModels(): Promise<string> {
  return postgresModelsFrom(await readFile(sharedModelsPath, "utf8"));
}
