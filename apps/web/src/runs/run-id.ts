/**
 * A short form of a run id that is still a prefix the CLI accepts (`taskloom runs show <prefix>`). Ids are
 * `run_` + the creation time in base 36 + random hex: the time part alone is shared by runs started
 * together, so four random digits are kept after it.
 */
export function shortRunId(id: string): string {
  return id.length <= 16 ? id : id.slice(0, 16);
}
