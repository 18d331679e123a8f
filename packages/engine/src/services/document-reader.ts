import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The `readDocument` of plan-file validation: reads a document's `path` relative to the plan file's folder.
 * Synchronous because validation is; the message says where it looked. Its own entry point
 * (`@taskloom/engine/document-reader`) so `taskloom validate` does not load the engine.
 */
export function documentReader(baseDir: string): (relativePath: string) => string {
  return (relativePath) => {
    try {
      return readFileSync(path.resolve(baseDir, relativePath), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new Error(`no such file (looked in ${baseDir})`);
      if (code === "EISDIR") throw new Error("it is a directory");
      throw error;
    }
  };
}
