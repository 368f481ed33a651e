// Shared pieces of the provider modules: HMAC, constant-time comparison,
// reading fields out of a payload, and the sentences owners see.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Extractor, SourceConfig } from '../../../../shared/config';
import type { ProviderRequest, ProviderResult } from '../types';
import { parseWithExactNumbers } from './json-exact';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

// Secrets as bytes, made once: createHmac encodes a string key on every call,
// a measurable part of each request's signature check. Bounded: secrets change rarely.
const keyBytes = new Map<string, Buffer>();

function keyOf(key: string | Buffer): Buffer {
  if (typeof key !== 'string') return key;
  let bytes = keyBytes.get(key);
  if (!bytes) {
    if (keyBytes.size >= 64) keyBytes.clear();
    bytes = Buffer.from(key, 'utf8');
    keyBytes.set(key, bytes);
  }
  return bytes;
}

export function hmac(algorithm: HmacAlgorithm, key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac(algorithm, keyOf(key));
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Constant-time comparison of two digests. timingSafeEqual needs equal lengths,
 * so a length difference is answered at once: it leaks only the length, which
 * is public anyway (the algorithm fixes it).
 */
export function digestsEqual(expected: Buffer, given: Buffer | null): boolean {
  if (!given || given.length !== expected.length || expected.length === 0) return false;
  return timingSafeEqual(expected, given);
}

/** Decodes a hex digest; null when it is not hex (so it never matches). */
export function fromHex(text: string): Buffer | null {
  const t = text.trim();
  if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t)) return null;
  return Buffer.from(t, 'hex');
}

/** Decodes base64 (standard or URL-safe, padding optional); null when it is not base64. */
export function fromBase64(text: string): Buffer | null {
  const t = text.trim();
  if (t.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return null;
  return Buffer.from(t, 'base64');
}

export function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** A non-empty string or a finite number, as a string; null otherwise. */
export function scalar(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

// A source's paths, split once: they are read on every request. Bounded: paths change rarely.
const splitPaths = new Map<string, string[]>();

function pathKeys(path: string): string[] {
  let keys = splitPaths.get(path);
  if (!keys) {
    if (splitPaths.size >= 256) splitPaths.clear();
    keys = path.slice(1).split('.').slice(1);
    splitPaths.set(path, keys);
  }
  return keys;
}

const INDEX = /^\d+$/;

/** Reads "$.a.b" (array indexes as numbers: "$.items.0.id"). */
export function readJsonPath(payload: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  let cur: unknown = payload;
  for (const key of pathKeys(path)) {
    if (Array.isArray(cur) && INDEX.test(key)) cur = cur[Number(key)];
    else {
      const rec = asRecord(cur);
      if (!rec || !Object.prototype.hasOwnProperty.call(rec, key)) return undefined;
      cur = rec[key];
    }
  }
  return cur;
}

/**
 * A source's configured type or id: a header's value, or the value at a JSON
 * path as a string. A number at the path is read as its exact digits from
 * `rawBody` when given (JSON.parse rounds integers past 2^53, which would make
 * two different ids one); null when absent, empty, or not a string/number.
 */
export function extract(
  extractor: Extractor | undefined,
  headers: Record<string, string>,
  payload: unknown,
  rawBody?: Buffer,
): string | null {
  if (!extractor) return null;
  if ('header' in extractor) return scalar(headers[extractor.header.toLowerCase()]);
  const value = readJsonPath(payload, extractor.jsonPath);
  if (typeof value === 'number' && rawBody) {
    return scalar(readJsonPath(parseWithExactNumbers(rawBody.toString('utf8')), extractor.jsonPath)) ?? scalar(value);
  }
  return scalar(value);
}

/** Sets "$.a.b" in a plain object, creating the objects on the way (for samples). */
export function writeJsonPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.').slice(1);
  let cur = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) cur[key] = value;
    else {
      const next = asRecord(cur[key]) ?? {};
      cur[key] = next;
      cur = next;
    }
  });
}

/**
 * A top-level field of a JSON body as a string (see `scalar`), or null: where most
 * senders put the event id. A number is read as its exact digits from `rawBody`
 * when given, as `extract` does: JSON.parse rounds integers past 2^53, so
 * `{"id":123456789012345678901}` and `...902` would otherwise be one duplicate key.
 */
export function bodyField(payload: unknown, name: string, rawBody?: Buffer): string | null {
  const value = asRecord(payload)?.[name];
  if (typeof value === 'number' && rawBody) {
    return scalar(asRecord(parseWithExactNumbers(rawBody.toString('utf8')))?.[name]) ?? scalar(value);
  }
  return scalar(value);
}

/** The body's `type` field (a number as its exact digits, see `bodyField`), or "unknown". */
export function bodyType(payload: unknown, rawBody?: Buffer): string {
  return bodyField(payload, 'type', rawBody) ?? 'unknown';
}

export function header(req: ProviderRequest, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return v === undefined || v === '' ? null : v;
}

/**
 * The source's secret and the signature header a sender put on the request, or,
 * when either is missing, the sentence to reject it with. `hint` is appended to
 * the missing-header sentence (e.g. where the sender's secret is set).
 */
export function requireSignature(
  req: ProviderRequest,
  headerName: string,
  label: string,
  hint = '',
): { secret: string; signature: string } | { problem: string } {
  const { source } = req;
  if (!source.secret) return { problem: noSecret(source) };
  const signature = header(req, headerName);
  if (!signature) return { problem: missingHeader(headerName, label) + hint };
  return { secret: source.secret, signature };
}

/** A sender that puts a base64 HMAC-SHA256 of the raw body in one header (Shopify, WooCommerce). */
export interface BodyHmacBase64 {
  header: string;
  label: string;
  /** What the owner should copy again when the signature does not match, and where to find it. */
  secretName: string;
}

export function bodyHmacBase64(secret: string, body: string | Buffer): string {
  return hmac('sha256', secret, body).toString('base64');
}

export function verifyBodyHmacBase64(
  req: ProviderRequest,
  sender: BodyHmacBase64,
  type: string,
  eventId: string | null,
  dedupeKey?: string | null,
  resourceKey?: string | null,
): ProviderResult {
  // Connect's recovered copy (ProviderRequest.recovered): read from the provider's API, not posted, so nothing is
  // signed. It has no event id of its own: the resource key names it (else its topic and body).
  if (req.recovered) {
    if (!resourceKey) return accepted(type, eventId, `${type} | recovered | sha256:${sha256Hex(req.rawBody)}`);
    return { ...accepted(type, resourceKey, resourceKey), resourceKey };
  }
  const signed = requireSignature(req, sender.header, sender.label);
  if ('problem' in signed) return rejected(signed.problem, type, eventId);
  const expected = hmac('sha256', signed.secret, req.rawBody);
  if (!digestsEqual(expected, fromBase64(signed.signature))) {
    return rejected(mismatch(sender.label, sender.secretName, req.source), type, eventId);
  }
  const ok = accepted(type, eventId, dedupeKey);
  if (resourceKey) ok.resourceKey = resourceKey;
  return ok;
}

// The sentences. They name the thing to check, never the secret itself.

export function missingHeader(name: string, label: string): string {
  return `The request is missing header ${name}, so Hookdock cannot tell it really comes from ${label}. Check that only ${label} sends to this URL.`;
}

/**
 * How a source is named in a sentence the owner reads: the name they typed
 * ("My shop"), else its id for hand-written configs without one.
 */
export function sourceName(source: Pick<SourceConfig, 'id' | 'name'>): string {
  return source.name || source.id;
}

export function mismatch(label: string, what: string, source: SourceConfig): string {
  return `The ${label} signature did not match: check the ${what} of source "${sourceName(source)}" in Hookdock.`;
}

/** Names the button the Sources page shows a source without a secret: "Paste its secret". */
export function noSecret(source: SourceConfig): string {
  return `Source "${sourceName(source)}" is waiting for its signing secret: in Hookdock, open Sources and click "Paste its secret" on it, then send the webhook again.`;
}

/** Both directions: a timestamp from the future means a wrong clock, or a forged request. */
export function timestampProblem(
  label: string,
  timestampSec: number,
  now: number,
  toleranceSec: number,
): string | null {
  const age = Math.round(now / 1000 - timestampSec);
  if (age > toleranceSec) {
    return `The ${label} timestamp is ${age} s old (limit ${toleranceSec} s): the request may be a replay, or this computer's clock is wrong.`;
  }
  if (-age > toleranceSec) {
    return `The ${label} timestamp is ${-age} s in the future (limit ${toleranceSec} s): check this computer's clock.`;
  }
  return null;
}

/** `dedupeKey`: see ProviderResult; omitted = the provider event id alone. */
export const accepted = (type: string, providerEventId: string | null, dedupeKey?: string | null): ProviderResult => ({
  ok: true,
  reason: null,
  type,
  providerEventId,
  ...(dedupeKey ? { dedupeKey } : {}),
});

export const rejected = (reason: string, type: string, providerEventId: string | null): ProviderResult => ({
  ok: false,
  reason,
  type,
  providerEventId,
});

/** A random id for samples: `prefix` + 24 alphanumerics. */
export function sampleId(prefix = ''): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = prefix;
  for (let i = 0; i < 24; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

export const STALE_TOLERANCE_SEC = 300;
