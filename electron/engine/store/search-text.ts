// What the feed's search box looks in: per event, one compact folded text made
// at ingest (and kept in the segment sidecars), so a query scans memory and
// never reads payload files. An owner types what they know about a customer
// ("maria@example.com", "María", "mug", "1042", "59.00"): for a verified event
// that is anywhere in its payload, so the text holds the payload's string and
// number leaves. A rejected request's payload is unverified (anyone can post
// anything): only its id, type and rejection reason are searchable.
import type { EventSummary } from '../../../shared/types';
import { foldText } from '../../../shared/fold';

export { foldText };

/** Upper bound of one event's search text, in UTF-16 code units (about 4 KiB): a 40-item order fits. */
export const SEARCH_TEXT_MAX = 4096;
/**
 * Leaves longer than this are mostly notes, HTML or encoded blobs: only their start is kept,
 * cut between words (a customer's note of a few sentences fits whole).
 */
export const LEAF_MAX = 256;
/** How deep into the payload to look; provider payloads nest 4-6 levels. */
const MAX_DEPTH = 8;

// Leaves an owner never types and that would crowd out the ones they do.
const LINK = /^https?:\/\//i;
const GID = /^gid:\/\//; // Shopify GraphQL ids
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
const HASH = /^[0-9a-f]{24,}$/i; // hashes, tokens

/**
 * Whether a (trimmed, non-empty) leaf is a link, a Shopify GraphQL id, a timestamp or a
 * hash. Picked by its first character, so most leaves are let through without a regex:
 * this runs on every leaf of every event at ingest.
 */
function isNoise(t: string): boolean {
  const c = t.charCodeAt(0) | 0x20; // ASCII letters lower-cased; digits keep their code
  if (c === 0x68 /* h */ && LINK.test(t)) return true;
  if (c === 0x67 /* g */) return GID.test(t);
  const digit = c >= 0x30 && c <= 0x39;
  if (digit && TIMESTAMP.test(t)) return true;
  return t.length >= 24 && (digit || (c >= 0x61 && c <= 0x66)) /* a-f */ && HASH.test(t);
}

/** Kept leaves compared one by one up to this many, then through a Set. */
const FEW_LEAVES = 32;

/**
 * The leaves kept so far and their total length. Repeats are checked on the clipped
 * leaf: hashing a whole 1 KiB note for a Set on its first use cost more than the rest
 * of the walk (search text cost 2.4 µs per webhook with it, 0.7 µs without).
 */
class Leaves {
  readonly first: number;
  length: number;
  private seen: Set<string> | null = null;

  constructor(readonly parts: string[]) {
    this.first = parts.length;
    this.length = parts.reduce((n, p) => n + p.length + 1, 0);
  }

  /** Keeps `t` unless it was kept already. */
  add(t: string): void {
    if (this.seen) {
      if (this.seen.has(t)) return;
      this.seen.add(t);
    } else {
      const p = this.parts;
      for (let i = this.first; i < p.length; i++) if (p[i] === t) return;
      if (p.length - this.first >= FEW_LEAVES) this.seen = new Set([...p.slice(this.first), t]);
    }
    this.parts.push(t);
    this.length += t.length + 1;
  }
}

function leaf(leaves: Leaves, value: string, max: number): void {
  let t = value.trim();
  if (!t || isNoise(t)) return;
  if (t.length > max) t = clipAtWord(t, max);
  leaves.add(t);
}

/** The first `max` characters of `t`, ending before a word cut in two (unless its last space is far back). */
function clipAtWord(t: string, max: number): string {
  const space = t.lastIndexOf(' ', max);
  return t.slice(0, space >= max / 2 ? space : max);
}

/** No closure per call and no arrays per object: this walks every verified webhook. */
function visit(leaves: Leaves, v: unknown, depth: number): void {
  if (leaves.length >= SEARCH_TEXT_MAX) return;
  if (typeof v === 'string') leaf(leaves, v, depth === 0 ? SEARCH_TEXT_MAX : LEAF_MAX);
  else if (typeof v === 'number') {
    if (Number.isFinite(v)) leaf(leaves, String(v), LEAF_MAX);
  } else if (v !== null && typeof v === 'object' && depth < MAX_DEPTH) {
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) visit(leaves, v[i], depth + 1);
    // A parsed payload's own keys (JSON.parse makes no inherited enumerable ones).
    else for (const k in v) visit(leaves, (v as Record<string, unknown>)[k], depth + 1);
  }
}

/**
 * The search text of an event: id, source, type, provider event id, then the
 * summary and payload leaves of a verified event, or the rejection reason of a
 * rejected one; folded (see foldText), space-separated (a query's words hold no
 * whitespace, so none spans two parts; and a space, unlike a newline, needs no
 * escaping when the sidecar is serialised at every checkpoint), at most
 * SEARCH_TEXT_MAX characters. Payload leaves are taken depth-first in document
 * order, strings and finite numbers only, links/ids/timestamps left out, each
 * at most LEAF_MAX characters, repeats (after clipping) skipped.
 */
export function searchTextOf(e: EventSummary & { payload?: unknown }): string {
  const parts: string[] = [e.id, e.source, e.type];
  if (e.providerEventId) parts.push(e.providerEventId);
  if (e.status === 'rejected' || !e.verification?.ok) {
    if (e.verification?.reason) parts.push(e.verification.reason);
    return clip(foldIndexText(parts.join(' ')));
  }
  if (e.summary) parts.push(e.summary);
  // A payload that is not JSON is its text: searched as one leaf.
  visit(new Leaves(parts), e.payload, 0);
  return clip(foldIndexText(parts.join(' ')));
}

/**
 * foldText, with the plain-ASCII test done by Buffer.byteLength (about 25 ns for a
 * 300-character text against 200 ns for foldText's regex; Buffer is not in the browser).
 */
function foldIndexText(text: string): string {
  const lower = text.toLowerCase();
  return Buffer.byteLength(lower, 'utf8') === lower.length ? lower : foldText(lower);
}

function clip(text: string): string {
  return text.length > SEARCH_TEXT_MAX ? text.slice(0, SEARCH_TEXT_MAX) : text;
}

/**
 * A query as the folded words it must all contain ("maria mug" finds Maria's
 * order of a mug), or null for an empty query.
 */
export function searchTerms(query: string): string[] | null {
  const terms = foldText(query).split(/\s+/).filter(Boolean);
  return terms.length ? terms : null;
}

/** Whether a search text contains every term. */
export function matchesTerms(text: string, terms: string[]): boolean {
  for (const t of terms) if (!text.includes(t)) return false;
  return true;
}
