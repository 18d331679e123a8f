import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { isAllowedHost, isAuthorized, isCrossSiteRequest, isHttpsRequest, presentedToken, safeNextPath } =
  await import("./auth.ts");

const headers = (init: Record<string, string>) => new Headers(init);

describe("auth", () => {
  it("accepts the token from the cookie or a bearer header", () => {
    expect(presentedToken(headers({ cookie: "a=1; taskloom_token=s3cret%21" }))).toBe("s3cret!");
    expect(presentedToken(headers({ authorization: "Bearer abc" }))).toBe("abc");
    expect(isAuthorized(headers({ authorization: "Bearer right-token" }), "right-token")).toBe(true);
    expect(isAuthorized(headers({ authorization: "Bearer wrong" }), "right-token")).toBe(false);
    expect(isAuthorized(headers({}), undefined)).toBe(true);
  });

  it("spots cross-site requests", () => {
    expect(isCrossSiteRequest(headers({ "sec-fetch-site": "cross-site" }), "http://x/")).toBe(true);
    expect(isCrossSiteRequest(headers({ "sec-fetch-site": "same-origin" }), "http://x/")).toBe(false);
    expect(
      isCrossSiteRequest(headers({ origin: "http://evil.example", host: "127.0.0.1:3000" }), "http://x/"),
    ).toBe(true);
    expect(
      isCrossSiteRequest(headers({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }), "http://x/"),
    ).toBe(false);
    expect(isCrossSiteRequest(headers({}), "http://x/")).toBe(false);
  });

  it("refuses foreign host names when no token protects the server", () => {
    expect(isAllowedHost(headers({ host: "127.0.0.1:3000" }), "127.0.0.1", undefined)).toBe(true);
    expect(isAllowedHost(headers({ host: "localhost:3000" }), "127.0.0.1", undefined)).toBe(true);
    expect(isAllowedHost(headers({ host: "rebind.evil.example:3000" }), "127.0.0.1", undefined)).toBe(false);
    expect(isAllowedHost(headers({ host: "rebind.evil.example" }), "127.0.0.1", "token")).toBe(true);
  });

  it("only goes back to same-site paths after login", () => {
    expect(safeNextPath("/runs?status=failed")).toBe("/runs?status=failed");
    expect(safeNextPath("//evil.example")).toBe("/plans");
    expect(safeNextPath("https://evil.example")).toBe("/plans");
    expect(safeNextPath(null)).toBe("/plans");
    expect(safeNextPath("/plans/demo#task-a")).toBe("/plans/demo#task-a");
  });

  it("refuses `next` values a browser would turn into another site", () => {
    // Browsers strip tabs and newlines and read `\` as `/`: each of these would land on evil.example.
    for (const next of [
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "/\\evil.example",
      "/\\/evil.example",
      "\\\\evil.example",
      "/%09/evil.example".replace("%09", "\t"),
      "//evil.example/plans",
      "/\u0000/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
    ]) {
      expect(safeNextPath(next), JSON.stringify(next)).toBe("/plans");
    }
    // Decoded the way the login page gets it from `?next=%2F%09%2Fevil.example`.
    expect(safeNextPath(new URLSearchParams("next=%2F%09%2Fevil.example").get("next"))).toBe("/plans");
    // Percent-encoded characters stay inside the path.
    expect(safeNextPath("/runs?search=%2F%2Fx")).toBe("/runs?search=%2F%2Fx");
  });

  it("marks the cookie secure over https, and trusts X-Forwarded-Proto only from a trusted proxy", () => {
    const forwarded = {
      url: "http://127.0.0.1:3000/api/login",
      headers: headers({ "x-forwarded-proto": "https" }),
    };
    expect(isHttpsRequest({ url: "https://taskloom.example/api/login", headers: headers({}) }, false)).toBe(
      true,
    );
    expect(isHttpsRequest(forwarded, false)).toBe(false);
    expect(isHttpsRequest(forwarded, true)).toBe(true);
    expect(
      isHttpsRequest({ ...forwarded, headers: headers({ "x-forwarded-proto": "http, https" }) }, true),
    ).toBe(false);
  });
});
