import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  BadInputError,
  type FunctionTaskDefinition,
  handlerMap,
  type PlanIssue,
  PlanValidationError,
} from "@taskloom/core";
import type { ImportedPlan, Taskloom } from "@taskloom/engine";
import { handlersExportedBy, planExportedBy } from "@taskloom/sdk";

/**
 * The user's own TypeScript or JavaScript files: tasks files (`taskloom worker --register ./tasks.ts`) and plans
 * defined in code (`taskloom run plan.ts`). They load through tsx's programmatic API, so TypeScript needs no
 * build step, and resolve their imports (`@taskloom/sdk`, their own modules) from their own folder.
 */

/** Files that are loaded as modules rather than read as YAML or JSON plan files. */
const MODULE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

export function isModuleFile(file: string): boolean {
  return MODULE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

/** The handlers of every file, in order; a file that exports none is a `BadInputError` (exit 2). */
export async function loadHandlers(files: readonly string[], cwd: string): Promise<FunctionTaskDefinition[]> {
  const handlers: FunctionTaskDefinition[] = [];
  for (const file of files) {
    const found = handlersExportedBy(await loadModule(file, cwd));
    if (found.length === 0) {
      throw new BadInputError(
        `${file} exports no task handlers: export them, e.g. \`export const resize = defineTask("resize", async (input, ctx) => …)\``,
      );
    }
    handlers.push(...found);
  }
  handlerMap(handlers); // two handlers with one name, from two files say, are refused before anything starts
  return handlers;
}

/** The plan a module exports (`export default definePlan({…})`), in plan-file form, and its folder. */
export async function loadPlanModule(
  file: string,
  cwd: string,
): Promise<{ document: Record<string, unknown>; dir: string }> {
  const plan = planExportedBy(await loadModule(file, cwd), file);
  return { document: plan.document, dir: path.dirname(path.resolve(cwd, file)) };
}

async function loadModule(file: string, cwd: string): Promise<Record<string, unknown>> {
  const absolute = path.resolve(cwd, file);
  if (!isModuleFile(absolute)) {
    throw new BadInputError(`${file} is not a module: give a .ts, .mts, .js or .mjs file`);
  }
  if (!fs.existsSync(absolute)) throw new BadInputError(`cannot load ${file}: no such file`);
  const { tsImport } = await import("tsx/esm/api");
  let namespace: Record<string, unknown>;
  try {
    namespace = (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw asCliError(error, file);
  }
  return withCommonJsExports(namespace);
}

/**
 * A `.ts` file outside an ES-module package (no `"type": "module"` beside it) loads as CommonJS, as Node
 * would load it: its exports then sit on the namespace's `default` (`{ default: { default: plan } }`), and
 * only the names the CommonJS lexer spots are lifted. Both layers are looked at.
 */
function withCommonJsExports(namespace: Record<string, unknown>): Record<string, unknown> {
  const inner = namespace.default;
  if (typeof inner !== "object" || inner === null || !("default" in inner || "__esModule" in inner)) {
    return namespace;
  }
  const exports: Record<string, unknown> = { ...namespace };
  for (const [name, value] of Object.entries(inner)) exports[`commonjs:${name}`] = value;
  return exports;
}

/**
 * What loading threw, as the CLI's own errors. The module's copy of `@taskloom/core` (through the SDK) is not
 * the CLI's, so its errors are recognised by their code, not their class: an invalid `definePlan` is reported
 * issue by issue like a plan file, a `defineTask` with a bad name as bad input; anything else the module threw
 * (a syntax error, a missing import) is bad input naming the file.
 */
function asCliError(error: unknown, file: string): Error {
  const coded = error as { code?: unknown; issues?: unknown; message?: unknown } | null;
  if (coded?.code === "PLAN_INVALID" && Array.isArray(coded.issues)) {
    return new PlanValidationError(coded.issues as PlanIssue[]);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (coded?.code === "BAD_INPUT") return new BadInputError(`${file}: ${message}`);
  return new BadInputError(`cannot load ${file}: ${message.split("\n")[0]}`);
}

/** Imports a plan file, or the plan a module defines in code (`definePlan`), like `taskloom plan import`. */
export async function importPlanPath(taskloom: Taskloom, file: string, cwd: string): Promise<ImportedPlan> {
  if (!isModuleFile(file)) return taskloom.importPlanFile(file);
  const { document, dir } = await loadPlanModule(file, cwd);
  return taskloom.importPlanSource(document, dir);
}
