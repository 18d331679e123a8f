import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  contextWindowFor,
  DEFAULT_CONTEXT_WINDOW,
  encodingForModel,
  tokenizerForModel,
} from "./tokenizer.ts";

describe("encodingForModel", () => {
  it.each([
    ["gpt-4o-mini", "o200k_base"],
    ["gpt-4.1", "o200k_base"],
    ["gpt-5-mini", "o200k_base"],
    ["o3-mini", "o200k_base"],
    ["openai/gpt-oss-20b", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
    ["llama3.2", "cl100k_base"],
    ["", "cl100k_base"],
  ])("%s → %s", (model, encoding) => {
    expect(encodingForModel(model)).toBe(encoding);
  });
});

describe("contextWindowFor", () => {
  it("knows the families and falls back to the documented default", () => {
    expect(contextWindowFor("gpt-4o-mini")).toBe(128_000);
    expect(contextWindowFor("gpt-4-32k-0613")).toBe(32_768);
    expect(contextWindowFor("gpt-4-0613")).toBe(8_192);
    expect(contextWindowFor("llama3.2:3b")).toBe(131_072);
    expect(contextWindowFor("some-local-model")).toBe(DEFAULT_CONTEXT_WINDOW);
  });
});

describe("tokenizer", () => {
  const tokenizer = tokenizerForModel("gpt-4o");

  it("counts like the encoding and treats special-token strings as text", () => {
    expect(tokenizer.count("")).toBe(0);
    expect(tokenizer.count("hello world")).toBe(2);
    expect(tokenizer.count("before <|endoftext|> after")).toBeGreaterThan(3);
  });

  it("o200k and cl100k differ on the same text", () => {
    const text = "Die Überprüfung ergab 4.2 % Abwanderung im dritten Quartal.";
    expect(tokenizerForModel("gpt-4o").count(text)).not.toBe(tokenizerForModel("gpt-4").count(text));
  });

  it("truncate returns a prefix within the limit", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.integer({ min: 0, max: 60 }),
        (text, max) => {
          const cut = tokenizer.truncate(text, max);
          expect(text.startsWith(cut)).toBe(true);
          expect(tokenizer.count(cut)).toBeLessThanOrEqual(max);
          if (tokenizer.count(text) <= max) expect(cut).toBe(text);
        },
      ),
    );
  });
});
