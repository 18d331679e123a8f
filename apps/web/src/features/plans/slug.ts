/** The same rule as the plan file's `plan:` field. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const MAX_SLUG_LENGTH = 64;

/** A slug suggested from a display name: "Nightly ETL (v2)" → "nightly-etl-v2". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, "");
}

export function slugProblem(slug: string): string | null {
  if (slug === "") return "a slug is required";
  if (slug.length > MAX_SLUG_LENGTH) return `at most ${MAX_SLUG_LENGTH} characters`;
  if (!SLUG_PATTERN.test(slug)) return "lowercase letters, digits and `-`, starting with a letter or digit";
  return null;
}
