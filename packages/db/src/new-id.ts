import { randomBytes } from "node:crypto";

/** Makes a new string id with this prefix (`plan`, `task`, `run`). Injected so tests can number ids. */
export type NewId = (prefix: string) => string;

/** Sortable, unguessable ids: `run_<time base36><12 hex>`. */
export const defaultNewId: NewId = (prefix) =>
  `${prefix}_${Date.now().toString(36)}${randomBytes(6).toString("hex")}`;

/**
 * The ids of an import's task rows: one random id per import, suffixed by position, so that 20,000 tasks do
 * not draw 20,000 times from the CSPRNG. Both stores draw them the same way, so they give the same ids for
 * the same calls with the same `newId`.
 */
export function taskIdsOf(newId: NewId): (position: number) => string {
  const base = newId("task");
  return (position) => `${base}_${position.toString(36)}`;
}
