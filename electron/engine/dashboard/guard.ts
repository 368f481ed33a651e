// Who may talk to the dashboard: pure checks, unit-tested on their own.
// The dashboard binds to 127.0.0.1 only, but a web page the owner visits can
// still reach loopback: through DNS rebinding (its own name resolving to
// 127.0.0.1, so the Host header is foreign) or by cross-site requests (a
// foreign Origin). Both are refused before the token is even looked at.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'hookdock_session';
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** True when the Host header names this very server on a loopback name. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return LOOPBACK_HOSTS.some((name) => h === `${name}:${port}`);
}

/** No Origin (same-origin GET, curl) is fine; otherwise it must be this server's own origin. */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

/** Constant-time string comparison (lengths may leak, contents do not). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    // Still spend the comparison so timing does not depend on where it differs.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/** The cookie holds an HMAC of the token, so the token itself never sits in the cookie jar. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('hookdock dashboard session v1').digest('base64url');
}

export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : null;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export interface AuthInput {
  authorization?: string;
  cookie?: string;
}

/** Bearer token or session cookie, both compared in constant time. */
export function isAuthorized(input: AuthInput, token: string, session = sessionValue(token)): boolean {
  const bearer = bearerToken(input.authorization);
  if (bearer !== null && safeEqual(bearer, token)) return true;
  const cookie = readCookie(input.cookie, SESSION_COOKIE);
  return cookie !== null && safeEqual(cookie, session);
}

export function sessionCookieHeader(token: string): string {
  // No Secure flag: the dashboard is plain http on loopback.
  return `${SESSION_COOKIE}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 24 * 3600}`;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
