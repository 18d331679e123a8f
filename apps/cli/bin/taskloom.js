#!/usr/bin/env node
// Runs the built bundle (dist/, made by `pnpm build` and on install) when it is at least as new as every source
// it was built from; otherwise the sources, compiled on the fly by tsx, so an edit takes effect before a rebuild.
import fs from "node:fs";

const dist = new URL("../dist/", import.meta.url);

function bundleIsFresh() {
  try {
    const built = fs.statSync(new URL("taskloom.js", dist)).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(new URL("inputs.json", dist), "utf8"));
    return inputs.every((input) => fs.statSync(new URL(input, dist)).mtimeMs <= built);
  } catch {
    // No bundle, or a source it names is gone: the sources decide.
    return false;
  }
}

if (process.env.TASKLOOM_CLI_SOURCE !== "1" && bundleIsFresh()) {
  await import(new URL("taskloom.js", dist).href);
} else {
  if (process.argv.includes("--verbose")) {
    process.stderr.write("taskloom: running from the sources (the bundle is missing or older than them)\n");
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
