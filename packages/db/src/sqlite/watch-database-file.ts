import fs from "node:fs";
import { TaskloomError } from "@taskloom/core";

/** How often the file is looked at, in ms. A `stat` is a few microseconds. */
const CHECK_EVERY_MS = 1_000;

/**
 * Calls `onLost` once if the database file is deleted or replaced while it is open.
 *
 * Why: SQLite keeps writing to the unlinked inode, so without this a run whose file was deleted reports
 * `succeeded` and every result vanishes with the last file handle. The file's device and inode are
 * remembered at open and compared on every check; a missing file or a different inode means the data
 * this process writes can no longer be found by anyone else.
 */
export function watchDatabaseFile(
  filePath: string,
  onLost: (error: TaskloomError) => void,
  options: { intervalMs?: number } = {},
): () => void {
  if (filePath === ":memory:") return () => {};
  const opened = fs.statSync(filePath);
  const check = () => {
    let problem: string | null = null;
    try {
      const now = fs.statSync(filePath);
      if (now.ino !== opened.ino || now.dev !== opened.dev) problem = "was replaced by another file";
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problem = code === "ENOENT" ? "was deleted" : `cannot be checked (${code ?? String(error)})`;
    }
    if (problem === null) return;
    clearInterval(timer);
    onLost(
      new TaskloomError(
        "DATABASE",
        `the database file ${filePath} ${problem} while Taskloom was using it; stopping, because nothing written from now on could be read back`,
      ),
    );
  };
  const timer = setInterval(check, options.intervalMs ?? CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
