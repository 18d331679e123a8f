import { describe, expect, it } from "vitest";
import {
  bindProblem,
  isLoopbackAddress,
  isLoopbackHostname,
  PEER_HEADER,
  peerAdmitted,
  peerHeaderValue,
  vouchedPeer,
} from "./exposure.ts";

describe("exposure", () => {
  it("admits only loopback peers without a token, anyone with one", () => {
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      expect(isLoopbackAddress(address), address).toBe(true);
      expect(peerAdmitted(address, undefined)).toBe(true);
    }
    for (const address of [
      "10.0.0.5",
      "192.168.1.2",
      "::ffff:10.0.0.5",
      "fe80::1",
      "0.0.0.0",
      "128.0.0.1",
      undefined,
    ]) {
      expect(isLoopbackAddress(address), String(address)).toBe(false);
      expect(peerAdmitted(address, undefined)).toBe(false);
      expect(peerAdmitted(address, "a-token-of-sixteen")).toBe(true);
    }
  });

  it("refuses to bind off loopback without a token", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]"]) {
      expect(isLoopbackHostname(host)).toBe(true);
      expect(bindProblem(host, undefined)).toBeUndefined();
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.2", "taskloom.example"]) {
      expect(bindProblem(host, undefined)).toContain(
        `refusing to listen on ${host} without TASKLOOM_AUTH_TOKEN`,
      );
      expect(bindProblem(host, "a-token-of-sixteen")).toBeUndefined();
    }
  });

  it("reads the peer only from a header stamped with this process's entry secret", () => {
    const stamped = new Headers({ [PEER_HEADER]: peerHeaderValue("s3cret", "10.1.2.3") });
    expect(vouchedPeer(stamped, "s3cret")).toBe("10.1.2.3");
    expect(vouchedPeer(stamped, "other")).toBeNull();
    expect(vouchedPeer(stamped, undefined)).toBeNull();
    expect(vouchedPeer(new Headers({ [PEER_HEADER]: "127.0.0.1" }), "s3cret")).toBeNull();
    expect(vouchedPeer(new Headers(), "s3cret")).toBeNull();
  });
});
