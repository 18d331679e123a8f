import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.ts";

describe("canonicalJson", () => {
  it("sorts keys recursively", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it("sorts integer-like keys as text too", () => {
    expect(canonicalJson({ 9: "a", 10: "b", x: "c" })).toBe('{"10":"b","9":"a","x":"c"}');
  });

  it("follows JSON.stringify for undefined, non-finite numbers, -0 and toJSON", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, Number.NaN], c: -0, d: new Date(0) })).toBe(
      '{"b":[null,null],"c":0,"d":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("refuses circular structures and bigints", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });

  it("allows shared (non-circular) references", () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it("gives equal text for equal values whatever the key order, and parses back", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reversed = JSON.parse(JSON.stringify(value), (_key, item: unknown) =>
          typeof item === "object" && item !== null && !Array.isArray(item)
            ? Object.fromEntries(Object.entries(item).reverse())
            : item,
        ) as unknown;
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
