import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { PEER_HEADER, vouchedPeer } from "./exposure.ts";
import { createGate } from "./gate.ts";

/**
 * The gate on a real HTTP server, with a stand-in for Next that echoes the peer it was told about. A
 * non-loopback peer is reached through this machine's own LAN address, when it has one.
 */
let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(authToken: string | undefined, host: string, trustProxy = false): Promise<number> {
  const gate = createGate({
    authToken,
    entrySecret: "entry-secret",
    trustProxy,
    handle: (req, res) => {
      const headers = new Headers(req.headers as Record<string, string>);
      const proto = headers.get("x-forwarded-proto") ?? "-";
      res.end(`served peer=${vouchedPeer(headers, "entry-secret")}${proto === "-" ? "" : ` proto=${proto}`}`);
    },
  });
  const listening = http.createServer(gate.request);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, host, resolve));
  return (listening.address() as AddressInfo).port;
}

function get(host: string, port: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.get({ host, port, path: "/api/trpc/plans.list", headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
  });
}

const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((address) => address !== undefined && address.family === "IPv4" && !address.internal)?.address;

describe("the server gate", () => {
  it("serves a loopback peer, and replaces any peer header the client forged", async () => {
    const port = await serve(undefined, "127.0.0.1");
    const forged = await get("127.0.0.1", port, { [PEER_HEADER]: "entry-secret 10.9.9.9" });
    expect(forged).toEqual({ status: 200, body: "served peer=127.0.0.1" });
  });

  it("drops a client's X-Forwarded-Proto unless a proxy is trusted", async () => {
    const port = await serve(undefined, "127.0.0.1");
    expect((await get("127.0.0.1", port, { "x-forwarded-proto": "https" })).body).toBe(
      "served peer=127.0.0.1",
    );
    await new Promise((resolve) => server?.close(resolve));
    const trusted = await serve(undefined, "127.0.0.1", true);
    expect((await get("127.0.0.1", trusted, { "x-forwarded-proto": "https" })).body).toBe(
      "served peer=127.0.0.1 proto=https",
    );
  });

  it.skipIf(lanAddress === undefined)(
    "refuses a non-loopback peer without a token, even with a loopback Host header",
    async () => {
      const address = lanAddress ?? "";
      const port = await serve(undefined, "0.0.0.0");
      const spoofed = await get(address, port, { host: `127.0.0.1:${port}` });
      expect(spoofed.status).toBe(403);
      expect(spoofed.body).toContain("Taskloom answers only this machine");
      // The same machine over loopback is still served.
      expect((await get("127.0.0.1", port)).status).toBe(200);
    },
  );

  it.skipIf(lanAddress === undefined)(
    "lets a non-loopback peer reach the app when a token is set",
    async () => {
      const address = lanAddress ?? "";
      const port = await serve("a-token-of-sixteen", "0.0.0.0");
      expect(await get(address, port)).toEqual({ status: 200, body: `served peer=${address}` });
    },
  );
});
