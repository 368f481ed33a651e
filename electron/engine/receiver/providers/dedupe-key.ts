// Duplicate keys (README "event id for duplicates"). A request is a duplicate
// only when a retry of the same event can produce it: where a provider's id is
// not unique per event and subscription, the key adds the topic and a hash of
// the raw body, so different content never collapses into one event.
import { sha256Hex } from './util';

/**
 * A dedupe key from the provider's id parts (null parts are skipped) and, when
 * `body` is given, the SHA-256 of its raw bytes. Parts are joined with " | "; the
 * key is stored with the event (`dedupeKey`) and compared per source.
 */
export function dedupeKeyOf(parts: (string | null)[], body?: Buffer): string {
  // Runs on every delivery: joined by hand, without an array per call.
  let key: string | null = null;
  for (const p of parts) if (p !== null) key = key === null ? p : `${key} | ${p}`;
  if (body) key = key === null ? `sha256:${sha256Hex(body)}` : `${key} | sha256:${sha256Hex(body)}`;
  return key ?? '';
}
