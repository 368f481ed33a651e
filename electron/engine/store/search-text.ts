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

/** Upper bound of one event's search text, in UTF-16 code units (about 2 KiB). */
export const SEARCH_TEXT_MAX = 2048;
/** Leaves longer than this are mostly notes, HTML or encoded blobs: only their start is kept. */
const LEAF_MAX = 120;
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

/**
 * The search text of an event: id, source, type, provider event id, then the
 * summary and payload leaves of a verified event, or the rejection reason of a
 * rejected one; folded (see foldText), space-separated (a query's words hold no
 * whitespace, so none spans two parts; and a space, unlike a newline, needs no
 * escaping when the sidecar is serialised at every checkpoint), at most
 * SEARCH_TEXT_MAX characters. Payload leaves are taken depth-first in document
 * order, strings and finite numbers only, links/ids/timestamps left out, each
 * at most LEAF_MAX characters, repeats skipped.
 */
export function searchTextOf(e: EventSummary & { payload?: unknown }): string {
  const parts: string[] = [e.id, e.source, e.type];
  if (e.providerEventId) parts.push(e.providerEventId);
  if (e.status === 'rejected' || !e.verification?.ok) {
    if (e.verification?.reason) parts.push(e.verification.reason);
    return clip(foldText(parts.join(' ')));
  }
  if (e.summary) parts.push(e.summary);
  let length = parts.reduce((n, p) => n + p.length + 1, 0);
  const seen = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (length >= SEARCH_TEXT_MAX) return;
    if (typeof v === 'string') {
      const t = v.trim();
      if (!t || seen.has(t) || isNoise(t)) return;
      seen.add(t);
      const max = depth === 0 ? SEARCH_TEXT_MAX : LEAF_MAX;
      const leaf = t.length > max ? t.slice(0, max) : t;
      parts.push(leaf);
      length += leaf.length + 1;
    } else if (typeof v === 'number') {
      if (Number.isFinite(v)) visit(String(v), depth);
    } else if (v !== null && typeof v === 'object' && depth < MAX_DEPTH) {
      for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child, depth + 1);
    }
  };
  // A payload that is not JSON is its text: searched as one leaf.
  visit(e.payload, 0);
  return clip(foldText(parts.join(' ')));
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
