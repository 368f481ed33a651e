// Turns one verified (or rejected) request into the StoredEvent the store keeps.
import { isUtf8 } from 'node:buffer';
import type { SourceConfig } from '../../../shared/config';
import { summarize } from '../../../shared/summary';
import type { EventBody } from '../../../shared/types';
import { notePayloadParsedFrom, payloadOfText } from '../store/event-payload';
import type { StoredEvent } from '../store/types';
import { newId } from '../util/ids';
import type { ProviderResult } from './types';
import { sha256Hex } from './providers/util';

export interface ParsedBody {
  body: EventBody;
  /** Parsed JSON, or the body as text (lossy for a body that is not UTF-8: `body.base64` keeps its bytes). */
  payload: unknown;
  json: boolean;
  /** Valid-looking JSON nested deeper than MAX_JSON_DEPTH: the payload is the text. */
  tooDeep?: boolean;
}

export function parseBody(raw: Buffer): ParsedBody {
  if (!isUtf8(raw)) return { body: { base64: raw.toString('base64') }, payload: raw.toString('utf8'), json: false };
  const text = raw.toString('utf8');
  const { payload, json, tooDeep } = payloadOfText(text);
  // The store may then keep the text alone, and parse it again when the event is read.
  if (json) notePayloadParsedFrom(payload, text);
  return tooDeep ? { body: { text }, payload, json, tooDeep } : { body: { text }, payload, json };
}

/** Node lower-cases header names already; repeated headers become one comma-joined value. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function buildEvent(args: {
  source: SourceConfig;
  raw: Buffer;
  parsed: ParsedBody;
  headers: Record<string, string>;
  result: ProviderResult;
  now: number;
  /** Hookdock's own sample from "Send a test event" (test-marks.ts). */
  test?: boolean;
}): StoredEvent {
  const { source, raw, parsed, headers, result, now } = args;
  const type = result.type || 'unknown';
  // summarize never throws on odd payloads, but a summary is never worth losing an event.
  let summary: string | null;
  try {
    summary = summarize(source.provider, type, parsed.payload);
  } catch {
    summary = null;
  }
  return {
    id: newId('evt', now),
    source: source.id,
    provider: source.provider,
    type,
    status: result.ok ? 'received' : 'rejected',
    receivedAt: new Date(now).toISOString(),
    providerEventId: result.providerEventId ?? `sha256:${sha256Hex(raw)}`,
    ...(result.dedupeKey ? { dedupeKey: result.dedupeKey } : {}),
    ...(result.resourceKey ? { resourceKey: result.resourceKey } : {}),
    verification: { ok: result.ok, reason: result.reason },
    summary,
    sizeBytes: raw.length,
    redeliveries: 0,
    replayOf: null,
    ...(args.test ? { test: true } : {}),
    headers,
    body: parsed.body,
    payload: parsed.payload,
  };
}
