/** Reads the repository's `examples/*.yaml` plan files (test support only; not exported from the package). */
import { readdirSync, readFileSync } from "node:fs";

const EXAMPLES_DIR = new URL("../../../../examples/", import.meta.url);

export interface ExampleFile {
  file: string;
  text: string;
}

export function readExamples(): ExampleFile[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .map((file) => ({ file, text: readFileSync(new URL(file, EXAMPLES_DIR), "utf8") }));
}
