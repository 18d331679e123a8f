import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { PEER_HEADER, peerAdmitted, peerHeaderValue } from "./exposure.ts";

export interface GateOptions {
  /** The configured token (undefined: loopback peers only). */
  authToken: string | undefined;
  /** This process's entry secret, stamped on every admitted request with its peer address. */
  entrySecret: string;
  /** Whether a proxy in front sets the `X-Forwarded-*` headers; if not, a client's own are dropped. */
  trustProxy: boolean;
  handle: (req: IncomingMessage, res: ServerResponse) => unknown;
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown;
}

/** Headers only a trusted proxy may set: Next builds `request.url` from them (https, host). */
const FORWARDED_HEADERS = [
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-for",
  "forwarded",
];

const REFUSED =
  "Taskloom answers only this machine: set TASKLOOM_AUTH_TOKEN on the server to open it to others.\n";

/**
 * The first thing every request meets, before Next: refuses a peer the exposure rule does not admit (by
 * its socket address), replaces whatever `x-taskloom-peer` a client sent with the entry's own stamp, so
 * that the app can trust the peer address it reads there (login throttling keys on it), and drops the
 * `X-Forwarded-*` headers unless a proxy is trusted (a client could otherwise claim to have come over https).
 */
export function createGate(options: GateOptions) {
  const admit = (req: IncomingMessage): boolean => {
    const address = req.socket.remoteAddress;
    if (!peerAdmitted(address, options.authToken)) return false;
    req.headers[PEER_HEADER] = peerHeaderValue(options.entrySecret, address);
    if (!options.trustProxy) for (const header of FORWARDED_HEADERS) delete req.headers[header];
    return true;
  };
  return {
    request(req: IncomingMessage, res: ServerResponse): void {
      if (!admit(req)) {
        res.writeHead(403, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        res.end(REFUSED);
        return;
      }
      void options.handle(req, res);
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      if (!admit(req) || options.upgrade === undefined) {
        socket.destroy();
        return;
      }
      void options.upgrade(req, socket, head);
    },
  };
}
