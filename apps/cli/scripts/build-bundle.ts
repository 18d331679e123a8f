/**
 * Builds the CLI into `dist/`: one ES module per entry chunk, with the workspace packages' TypeScript compiled
 * in, so `bin/taskloom.js` starts without compiling anything (tsx at every start cost about a second).
 *
 * - Native and heavy packages stay external and load from `node_modules` at run time: better-sqlite3 (a
 *   native addon), Prisma's runtime (it carries a multi-megabyte WebAssembly query compiler) and its adapters,
 *   and `pg` (loaded only for a postgresql:// database, through a dynamic import).
 * - `import.meta.url` and `import.meta.dirname` in workspace sources are rewritten to the location of the
 *   *source* file, computed relative to the bundle at run time, so code that finds files beside itself (the
 *   migrations folder, the demo plan, the web app) finds the same files from `dist/` as from `src/`, and the
 *   checkout can move.
 * - `dist/inputs.json` lists the workspace sources the bundle was built from; the bin compares their mtimes
 *   with the bundle's and falls back to the sources (through tsx) when any is newer.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { build, type Plugin } from "esbuild";

const CLI_DIR = path.resolve(import.meta.dirname, "..");
const REPO = path.resolve(CLI_DIR, "../..");
const OUT_DIR = path.join(CLI_DIR, "dist");

/** Loaded from node_modules at run time (each is a dependency of this package, so it resolves from dist/). */
const EXTERNAL = [
  "better-sqlite3",
  "@prisma/client",
  "@prisma/adapter-better-sqlite3",
  "pg",
  "@prisma/adapter-pg",
  // Loads the user's tasks files and plan modules (`user-modules.ts`); it drives esbuild itself.
  "tsx",
];

const toPosix = (file: string) => file.split(path.sep).join("/");

const sourceLocation: Plugin = {
  name: "source-location",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await fs.readFile(args.path, "utf8");
      const loader = args.path.endsWith(".ts") ? "ts" : "js";
      if (!text.includes("import.meta")) return { contents: text, loader };
      const file = JSON.stringify(toPosix(path.relative(OUT_DIR, args.path)));
      const dir = JSON.stringify(`${toPosix(path.relative(OUT_DIR, path.dirname(args.path)))}/`);
      const contents = text
        .replaceAll("import.meta.url", `__taskloomSourceUrl(${file})`)
        .replaceAll("import.meta.dirname", `__taskloomSourceDir(${dir})`)
        .replaceAll("import.meta.filename", `__taskloomSourcePath(${file})`);
      return { contents, loader };
    });
  },
};

/** Defined once per chunk: the helpers the rewrite above calls, and `require` for bundled CommonJS. */
const BANNER = [
  'import { createRequire as __taskloomCreateRequire } from "node:module";',
  'import { fileURLToPath as __taskloomFileURLToPath } from "node:url";',
  "const require = __taskloomCreateRequire(import.meta.url);",
  "const __taskloomSourceUrl = (relative) => new URL(relative, import.meta.url).href;",
  "const __taskloomSourcePath = (relative) => __taskloomFileURLToPath(new URL(relative, import.meta.url));",
  'const __taskloomSourceDir = (relative) => __taskloomSourcePath(relative).replace(/[\\\\/]$/, "");',
].join("\n");

export async function buildBundle(): Promise<void> {
  const staging = `${OUT_DIR}.tmp-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  const result = await build({
    entryPoints: { taskloom: path.join(CLI_DIR, "src/main.ts") },
    absWorkingDir: REPO,
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    plugins: [sourceLocation],
    banner: { js: BANNER },
    // Chunks sit beside the entry: the source-location rewrite computes paths relative to OUT_DIR.
    chunkNames: "[name]-[hash]",
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
  });
  // The bin judges freshness against these: every workspace file the bundle was built from.
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes("node_modules/"))
    .map((input) => toPosix(path.relative(OUT_DIR, path.resolve(REPO, input))));
  await fs.writeFile(path.join(staging, "inputs.json"), `${JSON.stringify(inputs)}\n`);
  // Swap the whole folder at once, so a CLI starting meanwhile sees the old bundle or the new one.
  const old = `${OUT_DIR}.old-${process.pid}`;
  await fs.rename(OUT_DIR, old).catch(() => undefined);
  await fs.rename(staging, OUT_DIR);
  await fs.rm(old, { recursive: true, force: true });
}

await buildBundle();
