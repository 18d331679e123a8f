import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Who may talk to the server, decided from the socket (never from a header a client writes). Without a
 * token only loopback peers are answered; with one, anyone who presents it.
 */

/** The header the server entry puts on every request it admits: `<entry secret> <peer address>`. */
export const PEER_HEADER = "x-taskloom-peer";

const IPV4_LOOPBACK = /^127(?:\.\d{1,3}){3}$/;

/** Whether a socket's peer address is this machine: 127.0.0.0/8, ::1, or 127.x mapped into IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.toLowerCase().replace(/^::ffff:/, "");
  return plain === "::1" || IPV4_LOOPBACK.test(plain);
}

/** Whether binding `host` keeps the server on this machine (`0.0.0.0` and `::` do not). */
export function isLoopbackHostname(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || isLoopbackAddress(name);
}

/** Whether the server answers a peer at all: with a token anyone may try it, without one only loopback. */
export function peerAdmitted(address: string | undefined, token: string | undefined): boolean {
  return token !== undefined || isLoopbackAddress(address);
}

/** Why the server must not start with this bind and token, or undefined when it may. */
export function bindProblem(host: string, token: string | undefined): string | undefined {
  if (token !== undefined || isLoopbackHostname(host)) return undefined;
  return `refusing to listen on ${host} without TASKLOOM_AUTH_TOKEN (or TASKLOOM_AUTH_TOKEN_FILE): anyone who can reach it could run commands on this machine. Set a token, or bind 127.0.0.1.`;
}

function sameSecret(candidate: string, secret: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

export function peerHeaderValue(secret: string, address: string | undefined): string {
  return `${secret} ${address ?? "unknown"}`;
}

/**
 * The peer address the server entry vouched for, or null when the request did not come through it (no
 * entry secret in this process, or a header that does not carry it: a client cannot forge one).
 */
export function vouchedPeer(headers: Headers, secret: string | undefined): string | null {
  const value = headers.get(PEER_HEADER);
  if (secret === undefined || value === null) return null;
  const space = value.indexOf(" ");
  if (space < 0 || !sameSecret(value.slice(0, space), secret)) return null;
  return value.slice(space + 1);
}
