import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import type { PlanIssueCode } from "../errors.ts";
import type { DocPath, Locate } from "./issues.ts";

/** A plan document read from text: its value, its problems, and a way back from paths to lines. */
export interface SourceDocument {
  /** The document as plain JS values (undefined when it could not be read). */
  value: unknown;
  /** Syntax problems (duplicate keys included), with paths when they can be placed. */
  errors: { path: DocPath; message: string; code: PlanIssueCode; line: number; column: number }[];
  /** Whether the errors leave the document unusable (anything besides duplicate keys). */
  fatal: boolean;
  locate: Locate;
  /** The keys of the top-level `tasks` mapping in file order (JS objects reorder integer-like keys). */
  taskOrder: string[] | undefined;
}

const MAX_ALIAS_COUNT = 100;

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null || key.value === undefined ? "" : String(key.value);
  if (key === null || key === undefined) return "";
  return undefined;
}

function resolveNode(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The start offset of the deepest node on `path`: the key of a mapping entry, or a sequence item. */
function offsetOf(doc: Document, path: DocPath): number | undefined {
  let node = resolveNode(doc, doc.contents);
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) break;
      const keyOffset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      if (keyOffset !== undefined) offset = keyOffset;
      node = resolveNode(doc, pair.value);
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (!isNode(item)) break;
      if (item.range) offset = item.range[0];
      node = resolveNode(doc, item);
    } else {
      break;
    }
  }
  return offset;
}

function contains(node: Node | null | undefined, offset: number): boolean {
  const range = node?.range;
  return (
    range !== undefined && range !== null && range[0] <= offset && offset < Math.max(range[2], range[0] + 1)
  );
}

/** The path of the deepest mapping key or sequence item containing `offset`. */
function pathAt(doc: Document, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 1000; depth++) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) =>
          (isNode(item.key) && contains(item.key, offset)) ||
          (isNode(item.value) && contains(item.value, offset)),
      );
      const key = pair === undefined ? undefined : keyText(pair.key);
      if (pair === undefined || key === undefined) return path;
      path.push(key);
      if (isNode(pair.key) && contains(pair.key, offset)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => isNode(item) && contains(item, offset));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
  return path;
}

/**
 * Offsets of mapping keys equal to an earlier key of the same mapping, in document order. yaml's own
 * `uniqueKeys` check compares each key with every earlier one, which made a 20,000-task plan take seconds to
 * read; one set per mapping keeps it linear. Same equality as yaml's: scalar keys with the same value.
 */
function duplicateKeyOffsets(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) offsets.push(key.range?.[0] ?? map.range?.[0] ?? 0);
        else seen.add(key.value);
      }
    },
  });
  return offsets;
}

/** A stack overflow while reading means the text nests too deep (or an alias contains itself). */
function readFailure(error: unknown): { message: string; code: PlanIssueCode } {
  if (error instanceof RangeError) {
    return {
      message: "the document nests too deep to read (see the plan-file nesting limit)",
      code: "too_deep",
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `cannot read the document: ${cleanMessage(message)}`, code: "syntax" };
}

function cleanMessage(message: string): string {
  const firstLine = message.split("\n", 1)[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, "").trim() || "invalid YAML";
}

/** Parses YAML (or JSON, which YAML reads too). Never throws. */
export function readSource(text: string): SourceDocument {
  const lineCounter = new LineCounter();
  const positionOf = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const options = { uniqueKeys: false, prettyErrors: true, logLevel: "error" } as const;
  let doc: Document;
  try {
    doc = parseDocument(text, { ...options, lineCounter });
  } catch (error) {
    return {
      value: undefined,
      errors: [{ path: [], ...readFailure(error), line: 1, column: 1 }],
      fatal: true,
      locate: () => undefined,
      taskOrder: undefined,
    };
  }

  // Issues are placed after this returns, while the plan is validated: the tree is parsed again for the first
  // one rather than kept, since most plans have none and a 20,000-task plan's tree is ~20 MB held through
  // validation (the text it comes from is 0.5 MB).
  let located: Document | undefined;
  const locate: Locate = (path) => {
    // Without the line counter, which the first parse filled: positions come from it.
    located ??= parseDocument(text, options);
    const offset = offsetOf(located, path);
    return offset === undefined ? undefined : positionOf(offset);
  };

  const errors: SourceDocument["errors"] = [];
  let fatal = false;
  const problems = [
    ...doc.errors.map((error) => ({
      code: error.code as string,
      offset: error.pos[0],
      message: error.message,
    })),
    ...duplicateKeyOffsets(doc).map((offset) => ({ code: "DUPLICATE_KEY", offset, message: "" })),
  ].sort((a, b) => a.offset - b.offset);
  for (const error of problems) {
    const { offset } = error;
    const path = pathAt(doc, offset);
    const { line, column } = positionOf(offset);
    if (error.code === "DUPLICATE_KEY") {
      const key = path[path.length - 1];
      errors.push({
        path,
        message: key === undefined ? "duplicate key" : `duplicate key \`${key}\``,
        code: "duplicate_key",
        line,
        column,
      });
    } else {
      fatal = true;
      // The parser reports its own stack overflow on deeply nested text as an error of the document.
      const tooDeep = error.message.includes("Maximum call stack size exceeded");
      errors.push(
        tooDeep
          ? { path: path.slice(0, 3), ...readFailure(new RangeError()), line, column }
          : { path, message: cleanMessage(error.message), code: "syntax", line, column },
      );
    }
  }

  let value: unknown;
  try {
    value = fatal ? undefined : doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    fatal = true;
    errors.push({ path: [], ...readFailure(error), line: 1, column: 1 });
  }

  let taskOrder: string[] | undefined;
  const root = resolveNode(doc, doc.contents);
  if (isMap(root)) {
    const tasks = resolveNode(doc, root.items.find((item) => keyText(item.key) === "tasks")?.value);
    if (isMap(tasks)) {
      taskOrder = tasks.items.map((item) => keyText(item.key)).filter((key) => key !== undefined);
    }
  }

  return { value, errors, fatal, locate, taskOrder };
}
