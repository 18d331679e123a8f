import { describe, expect, it } from "vitest";
import {
  authTokenFromFile,
  authTokenProblem,
  authTokenSchema,
  MIN_AUTH_TOKEN_LENGTH,
  normaliseAuthToken,
} from "./auth-token.ts";

describe("auth token rule", () => {
  it("treats an empty or blank value as unset and trims a token read from a file", () => {
    expect(normaliseAuthToken("")).toBeUndefined();
    expect(normaliseAuthToken("  \n")).toBeUndefined();
    expect(normaliseAuthToken(undefined)).toBeUndefined();
    expect(normaliseAuthToken("abcdefghijklmnop\n")).toBe("abcdefghijklmnop");
    expect(authTokenSchema.parse("")).toBeUndefined();
  });

  it(`refuses tokens shorter than ${MIN_AUTH_TOKEN_LENGTH} characters or with control characters`, () => {
    expect(authTokenProblem("x".repeat(MIN_AUTH_TOKEN_LENGTH - 1))).toBe(
      `use at least ${MIN_AUTH_TOKEN_LENGTH} characters`,
    );
    expect(authTokenProblem("x".repeat(MIN_AUTH_TOKEN_LENGTH))).toBeUndefined();
    expect(authTokenProblem(`${"x".repeat(20)}\u0007`)).toBe("must not contain control characters");
    expect(authTokenSchema.safeParse("short").success).toBe(false);
    expect(authTokenSchema.parse(" a-long-enough-token ")).toBe("a-long-enough-token");
  });

  it("reads a token file's first line with the same rule", () => {
    expect(authTokenFromFile("a-long-enough-token\n")).toEqual({ token: "a-long-enough-token" });
    expect(authTokenFromFile("a-long-enough-token\nignored")).toEqual({ token: "a-long-enough-token" });
    expect(authTokenFromFile("\n")).toEqual({ problem: "the file is empty" });
    expect(authTokenFromFile("short\n")).toEqual({
      problem: `use at least ${MIN_AUTH_TOKEN_LENGTH} characters`,
    });
  });
});
