import { describe, expect, it } from "vitest";
import { OutputCapture, withTruncationMarker } from "./output-capture.ts";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe("OutputCapture", () => {
  it("passes decoded text on as it arrives and keeps it whole", () => {
    const seen: string[] = [];
    const capture = new OutputCapture({ onText: (text) => seen.push(text) });
    capture.push(new TextEncoder().encode("hello "));
    capture.push(bytes(0xe2, 0x82)); // the first two bytes of "€"
    capture.push(bytes(0xac, 0x21));
    capture.end();
    expect(seen).toEqual(["hello ", "€!"]);
    expect(capture.result()).toEqual({ text: "hello €!", truncated: false, totalBytes: 10 });
  });

  it("flushes an unfinished character at the end as U+FFFD", () => {
    const seen: string[] = [];
    const capture = new OutputCapture({ onText: (text) => seen.push(text) });
    capture.push(bytes(0x61, 0xe2, 0x82));
    capture.end();
    expect(seen.join("")).toBe("a\uFFFD");
  });

  it("cuts at the limit without halving a multi-byte character", () => {
    const capture = new OutputCapture({ limitBytes: 5 });
    capture.push(new TextEncoder().encode("abc€def")); // "€" spans bytes 3..5, across the limit
    capture.end();
    const result = capture.result();
    expect(result).toEqual({ text: "abc", truncated: true, totalBytes: 9 });
    expect(withTruncationMarker(result.text, result)).toBe("abc\n…[output truncated: 9 bytes total]");
  });

  it("keeps a character that ends exactly at the limit", () => {
    const capture = new OutputCapture({ limitBytes: 6 });
    capture.push(new TextEncoder().encode("abc€def"));
    expect(capture.result().text).toBe("abc€");
  });

  it("finds the last non-blank line even when nothing is kept", () => {
    const capture = new OutputCapture({ limitBytes: 0 });
    capture.push(new TextEncoder().encode("warning: a\r\nerror: b  \n\n  \n"));
    capture.end();
    expect(capture.lastLine()).toBe("error: b");
    expect(new OutputCapture().lastLine()).toBeNull();
  });
});
