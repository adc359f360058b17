/**
 * The local server's guards: a random token every request must carry, and Host/Origin checks so a
 * web page elsewhere cannot reach the server through DNS rebinding or a cross-site WebSocket.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

/** 192 random bits, URL-safe. */
export function createToken(): string {
  return randomBytes(24).toString("base64url");
}

export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

const LOCAL_NAMES = new Set(["127.0.0.1", "localhost"]);

/** `Host: 127.0.0.1:PORT` or `localhost:PORT` (the port must be ours). */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^([^:]+):(\d+)$/.exec(host.trim().toLowerCase());
  return m !== null && LOCAL_NAMES.has(m[1]) && Number(m[2]) === port;
}

/** Browsers send Origin on WebSocket upgrades; only our own page's origin may connect. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true; // Non-browser clients (tests, scripts) still need the token.
  try {
    const url = new URL(origin);
    return url.protocol === "http:" && LOCAL_NAMES.has(url.hostname) && Number(url.port) === port;
  } catch {
    return false;
  }
}
