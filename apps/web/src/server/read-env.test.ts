import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readWebEnv } from "./read-env.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function tokenFile(text: string): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskloom-env-"));
  const file = path.join(dir, "token");
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe("readWebEnv", () => {
  it("treats an empty TASKLOOM_AUTH_TOKEN as unset and applies the shared token rule", () => {
    expect(readWebEnv({ TASKLOOM_AUTH_TOKEN: "" }, "/srv").authToken).toBeUndefined();
    expect(readWebEnv({ TASKLOOM_AUTH_TOKEN: " a-long-enough-token " }, "/srv").authToken).toBe(
      "a-long-enough-token",
    );
    expect(() => readWebEnv({ TASKLOOM_AUTH_TOKEN: "eight-ch" }, "/srv")).toThrow(
      "TASKLOOM_AUTH_TOKEN: use at least 16 characters",
    );
  });

  it("reads the token from TASKLOOM_AUTH_TOKEN_FILE, relative to the working directory", () => {
    const file = tokenFile("a-long-enough-token\n");
    expect(readWebEnv({ TASKLOOM_AUTH_TOKEN_FILE: file }, "/srv").authToken).toBe("a-long-enough-token");
    expect(readWebEnv({ TASKLOOM_AUTH_TOKEN_FILE: "token" }, path.dirname(file)).authToken).toBe(
      "a-long-enough-token",
    );
    expect(() => readWebEnv({ TASKLOOM_AUTH_TOKEN_FILE: tokenFile("short") }, "/srv")).toThrow(
      /TASKLOOM_AUTH_TOKEN_FILE \S+token: use at least 16 characters/,
    );
    expect(() => readWebEnv({ TASKLOOM_AUTH_TOKEN_FILE: "/nonexistent/token" }, "/srv")).toThrow(
      "cannot read /nonexistent/token (ENOENT)",
    );
    expect(() =>
      readWebEnv({ TASKLOOM_AUTH_TOKEN: "a-long-enough-token", TASKLOOM_AUTH_TOKEN_FILE: file }, "/srv"),
    ).toThrow("not both");
  });

  it("trusts a proxy only when told to", () => {
    expect(readWebEnv({}, "/srv")).toMatchObject({ host: "127.0.0.1", port: 3000, trustProxy: false });
    expect(readWebEnv({ TASKLOOM_TRUST_PROXY: "1" }, "/srv").trustProxy).toBe(true);
  });
});
