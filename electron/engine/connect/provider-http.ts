// One HTTP call to a provider's API for a connector (GitHub, Square): JSON in and
// out through the injected fetch, a network failure turned into a ConnectError
// sentence, and the owner's credential kept out of every message. Each connector
// maps the provider's own error bodies (connect/github-api.ts, square-api.ts).
import { readCapped } from './http';
import { ConnectError, type ConnectorContext } from './types';

/** What a provider answered: status, headers, and the body as text (JSON is parsed by the caller). */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** What every call of a connector shares: its clock (ms since epoch) and how long to wait for an answer. */
export interface CallEnv {
  now: () => number;
  /** A provider that accepts the connection and never answers must not hold a check forever. */
  timeoutMs: number;
}

export const DEFAULT_CALL_ENV: CallEnv = { now: Date.now, timeoutMs: 30_000 };

export interface ApiCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An absolute URL (a Link header's `next`) or a path joined to `base`. */
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
}

/**
 * Sends `call` with `ctx.fetch`. Answers every HTTP status (the caller decides what an error is);
 * throws ConnectError `unreachable` when no answer came (DNS, refused, reset), naming the provider
 * (`label`, e.g. "GitHub") and the host, never the credential, and also when the whole answer took
 * longer than `timeoutMs` (a server that accepts and never speaks). An abort through `ctx.signal` is
 * rethrown as it is, so the manager can tell a shutdown from a failure.
 */
export async function callProvider(
  ctx: ConnectorContext,
  label: string,
  call: ApiCall,
  timeoutMs: number = DEFAULT_CALL_ENV.timeoutMs,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await ctx.fetch(call.url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal,
      // Not followed: a 307 would send the token's request, and its body (a webhook's signing
      // secret), to wherever the Location points.
      redirect: 'manual',
    });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new ConnectError(
        'invalid',
        `${label} answered from ${hostOf(call.url)} with a redirect to ${hostOf(res.headers.get('location') ?? '', call.url)}; Hookdock did not follow it, so the token went nowhere else. Check the API address.`,
      );
    }
    text = await readCapped(res, label);
  } catch (err) {
    if (err instanceof ConnectError) throw err;
    if (ctx.signal?.aborted) throw err;
    if (timeout.aborted) {
      throw new ConnectError(
        'unreachable',
        `${label} did not answer within ${secondsText(timeoutMs)} (${hostOf(call.url)}); Hookdock tries again at its next check.`,
      );
    }
    const host = hostOf(call.url);
    const why = redact(err instanceof Error ? causeText(err) : String(err), ctx.credential);
    throw new ConnectError(
      'unreachable',
      `Hookdock could not reach ${label} at ${host} (${why}). Check this computer's internet connection; Hookdock tries again at its next check.`,
    );
  }
  return { status: res.status, headers: res.headers, text };
}

/** `path` on `base` (a trailing slash on the base and a leading one on the path are one slash). */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/** Parses JSON text; undefined when it is not JSON (a proxy's HTML error page). */
export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `text` with the credential replaced, for provider messages quoted to the owner: a provider echoing
 * the request (or a proxy's error page) must not carry the token into a sentence. Also the forms a
 * credential is sent in: each half of a `key:secret` pair (WooCommerce's ck_…:cs_…) and the Basic
 * header's base64. Redact before cutting a message short, or a token cut in two keeps its first half.
 */
export function redact(text: string, secret: string): string {
  if (!secret || secret.length < 4) return text;
  const forms = new Set<string>([secret, secret.trim()]);
  for (const part of secret.trim().split(':')) if (part.length >= 8) forms.add(part);
  forms.add(Buffer.from(secret.trim()).toString('base64'));
  let out = text;
  // Longest first, so the whole credential is named once rather than as its halves.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length >= 4) out = out.split(form).join('[your token]');
  }
  return out;
}

function secondsText(ms: number): string {
  const n = Math.max(1, Math.round(ms / 1000));
  return n === 1 ? '1 second' : `${n} seconds`;
}

function hostOf(url: string, base?: string): string {
  try {
    return new URL(url, base).host;
  } catch {
    return base ? 'another address' : 'its API address';
  }
}

// undici's "fetch failed" says nothing; the cause ("ECONNREFUSED 127.0.0.1:1") does.
function causeText(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return err.message;
}
