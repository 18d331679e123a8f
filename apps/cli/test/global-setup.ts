import { execFileSync } from "node:child_process";
import path from "node:path";

/** The CLI tests start the bin as a user would; build the bundle first so they exercise what users run. */
export default function setup(): void {
  execFileSync(
    process.execPath,
    ["--import", "tsx", path.resolve(import.meta.dirname, "../scripts/build-bundle.ts")],
    {
      stdio: "inherit",
    },
  );
}
