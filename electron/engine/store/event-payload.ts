// An event's `payload` is, for almost every event, JSON.parse of its body text:
// writing both doubles the bytes serialised, journalled and checkpointed per
// event. So the store leaves `payload` out of a record when it is known to be
// exactly what parsing `body.text` gives back, and parses the text again when
// the event is read. Records that carry `payload` (older files, payloads set
// by hand) are kept and read as they are.
import type { StoredEvent } from './types';

// payload object -> the body text it was parsed from. Weak: it lives as long as the event in flight.
const parsedFrom = new WeakMap<object, string>();

/** The receiver parsed `payload` from `text` (by `payloadOfText`): the store may leave it out. */
export function notePayloadParsedFrom(payload: unknown, text: string): void {
  if (payload !== null && typeof payload === 'object') parsedFrom.set(payload, text);
}

/**
 * Deepest nesting of arrays and objects a payload is parsed with. JSON.parse reads
 * any depth, but JSON.stringify, structured clone and recursive readers (the
 * dashboard's answers, the SSE stream, a script's stdin envelope) overflow the
 * stack a few thousand levels down; no provider nests more than a few dozen.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether `text` nests `[`/`{` more than `max` levels deep (brackets inside strings do not count).
 * Runs on every request body: nesting deeper than `max` needs more than `max` opening brackets,
 * so the char-by-char scan runs only on a text that has that many (counted with native indexOf,
 * about 0.1 µs for a 1 KiB webhook against 1.6 µs for the scan).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= max || !moreOpenersThan(text, max)) return false;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** Whether `text` holds more than `max` opening brackets (`[` and `{` together, inside strings too). */
function moreOpenersThan(text: string, max: number): boolean {
  let count = 0;
  for (let at = text.indexOf('{'); at !== -1; at = text.indexOf('{', at + 1)) if (++count > max) return true;
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) if (++count > max) return true;
  return false;
}

/**
 * Parsed JSON, or the text itself when it is not JSON (a byte-order mark first is
 * allowed) or nests deeper than MAX_JSON_DEPTH (`tooDeep`: kept as text so that
 * everything that serializes the payload keeps working).
 */
export function payloadOfText(text: string): { payload: unknown; json: boolean; tooDeep?: boolean } {
  // Some senders (.NET) put a byte-order mark first; JSON.parse refuses it, we don't.
  const jsonText = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (nestsDeeperThan(jsonText, MAX_JSON_DEPTH)) return { payload: text, json: false, tooDeep: true };
  if (jsonText.trim() !== '') {
    try {
      return { payload: JSON.parse(jsonText), json: true };
    } catch {
      // Not JSON: the payload is the text itself.
    }
  }
  return { payload: text, json: false };
}

/** The event as its record is written: without `payload` when reading it back restores it exactly. */
export function recordOf(event: StoredEvent): object {
  const body = event.body as { text?: unknown };
  const payload = event.payload;
  if (typeof body.text !== 'string' || payload === null || typeof payload !== 'object') return event;
  if (parsedFrom.get(payload) !== body.text) return event;
  const { payload: _omitted, ...record } = event;
  return record;
}

/** The event as callers see it: `payload` put back when its record left it out. */
export function withPayload(record: StoredEvent): StoredEvent {
  if (Object.prototype.hasOwnProperty.call(record, 'payload')) return record;
  const body = record.body as { text?: unknown; base64?: unknown };
  let payload: unknown;
  if (typeof body.text === 'string') payload = payloadOfText(body.text).payload;
  else if (typeof body.base64 === 'string') payload = Buffer.from(body.base64, 'base64').toString('utf8');
  return { ...record, payload };
}
