/**
 * JSON text with the keys of every object sorted (by UTF-16 code units), for hashing definitions: equal
 * values give equal bytes whatever the key insertion order. Otherwise it follows `JSON.stringify`: `toJSON`
 * is honoured, `undefined`/functions/symbols are dropped from objects and become `null` in arrays,
 * non-finite numbers become `null`, and `-0` becomes `0`.
 * @throws TypeError on a bigint or a circular structure.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? "null";
}

function hasToJson(value: object): value is { toJSON: (key: string) => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}

function write(input: unknown, ancestors: Set<object>): string | undefined {
  const value = typeof input === "object" && input !== null && hasToJson(input) ? input.toJSON("") : input;
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return JSON.stringify(value);
    case "bigint":
      throw new TypeError("canonicalJson cannot serialise a bigint");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (ancestors.has(value)) throw new TypeError("canonicalJson cannot serialise a circular structure");
  ancestors.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item: unknown) => write(item, ancestors) ?? "null").join(",")}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = write(record[key], ancestors);
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
    }
    text = `{${parts.join(",")}}`;
  }
  ancestors.delete(value);
  return text;
}
