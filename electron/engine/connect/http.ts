// The HTTP part every connector shares: one request through the context's fetch,
// the answer read as JSON when it is JSON, a connection failure turned into a
// sentence, and Retry-After read the way RFC 9110 §10.2.3 defines it. Nothing here
// ever puts the credential (or a header carrying it) into an error.
import { ConnectError, type ConnectorContext } from './types';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Sends one request with `ctx.fetch` (and `ctx.signal`). `label` names the provider in the
 * sentence of a connection failure (ConnectError 'unreachable') and of a redirect (ConnectError
 * 'invalid': never followed, so the credential never goes elsewhere); other HTTP errors are
 * answers, left to the caller to map. An abort by `ctx.signal` is rethrown as it is.
 */
export async function send(
  ctx: ConnectorContext,
  label: string,
  url: string,
  init: RequestInit,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<ApiAnswer> {
  let res: Response;
  // A site that accepts the connection and never answers must not hold the source's checks forever.
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  const late = () =>
    new ConnectError(
      'unreachable',
      `${label} at ${new URL(url).origin} did not answer within ${Math.max(1, Math.round(timeoutMs / 1000))} s: Hookdock tries again later.`,
    );
  try {
    // Redirects are not followed: the credential must go only where the owner pointed it.
    res = await ctx.fetch(url, { ...init, signal, redirect: 'manual' });
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    if (timeout.aborted) throw late();
    throw new ConnectError(
      'unreachable',
      `Hookdock could not reach ${label} at ${new URL(url).origin}: check the address and this computer's internet connection, then try again.`,
    );
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    const to = res.headers.get('location');
    let where = 'another address';
    try {
      if (to) where = new URL(to, url).origin;
    } catch {
      // an unreadable Location: say "another address"
    }
    throw new ConnectError(
      'invalid',
      `${label} answered from ${new URL(url).origin} with a redirect to ${where}: enter that address in the source instead.`,
    );
  }
  let text: string;
  try {
    text = await readCapped(res, label);
  } catch (err) {
    if (ctx.signal?.aborted || err instanceof ConnectError) throw err;
    if (timeout.aborted) throw late();
    throw new ConnectError(
      'unreachable',
      `${label} at ${new URL(url).origin} broke off its answer: Hookdock tries again later.`,
    );
  }
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json };
}

/** How long one answer may take, headers and body. */
export const ANSWER_TIMEOUT_MS = 30_000;
/** The largest answer read: a page of 250 orders is a few MB; more is a broken or hostile server. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** The body as text, refusing (ConnectError 'provider') past MAX_ANSWER_BYTES instead of holding it all. */
export async function readCapped(res: Response, label: string, max = MAX_ANSWER_BYTES): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  const tooLarge = () =>
    new ConnectError(
      'provider',
      `${label} sent an answer larger than ${Math.round(max / 1048576)} MB: Hookdock did not read it.`,
    );
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Retry-After as ms: delta-seconds (Shopify sends decimals, "2.0") or an HTTP date
 * (RFC 9110 §10.2.3), at least 0; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date names its day and month (IMF-fixdate, RFC 850, asctime); "-5" is no date.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Waits `ms`, or rejects when `signal` aborts first (a recovery being stopped). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** True when `url` is on `origin`: paging links are followed only there, so the credential never leaves it. */
export function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}
