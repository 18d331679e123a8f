import type { DocPath } from "./issues.ts";

/**
 * The path at which `value` nests more than `limit` mappings and lists, or undefined when it does not.
 * Iterative, so that neither a very deep value nor a cyclic one (a YAML alias inside its own anchor) can
 * overflow the stack: a cycle simply nests without end and passes the limit.
 */
export function tooDeepAt(value: unknown, limit: number): DocPath | undefined {
  const stack: { value: unknown; path: DocPath }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined || item.value === null || typeof item.value !== "object") continue;
    // The path has one segment per container above this one: this container is level `path.length + 1`.
    if (item.path.length >= limit) return item.path;
    const entries: [string | number, unknown][] = Array.isArray(item.value)
      ? item.value.map((child, index) => [index, child])
      : Object.entries(item.value);
    for (const [segment, child] of entries) {
      if (child !== null && typeof child === "object")
        stack.push({ value: child, path: [...item.path, segment] });
    }
  }
  return undefined;
}
