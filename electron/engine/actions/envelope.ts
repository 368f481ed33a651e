// The envelope a script gets on stdin and in HOOKDOCK_EVENT_FILE
// (ARCHITECTURE.md "Contract: agent scripts"), serialized here.
//
// WHY not JSON.stringify(envelope): the stored payload was made by JSON.parse,
// which rounds integers past 2^53 (Shopify ids such as 820982911946155508), so
// re-serializing it would hand the script an id the provider never sent. When
// the body is JSON text, its own bytes go in as the payload value instead.
import type { RunReason } from '../../../shared/types';
import type { StoredEvent } from '../store/types';

/** The run the script is started for: why it runs ('event' | 'replay' | 'test') and whether it is a test. */
export interface EnvelopeRun {
  id: string;
  reason: RunReason;
  test: boolean;
}

/**
 * The envelope as a value (the payload parsed): what the JSON text below says.
 * `test` is true for a test event or a "Test it" run (issue #11); `run` says why this run happens.
 */
export function envelopeOf(event: StoredEvent, run?: EnvelopeRun) {
  return {
    id: event.id,
    source: event.source,
    provider: event.provider,
    type: event.type,
    receivedAt: event.receivedAt,
    test: event.test === true || run?.test === true,
    ...(run ? { run: { id: run.id, reason: run.reason } } : {}),
    headers: event.headers,
    payload: event.payload,
  };
}

/** The envelope as JSON text, with the body's raw JSON spliced in as `payload` when it is JSON. */
export function envelopeJson(event: StoredEvent, run?: EnvelopeRun): string {
  const envelope = envelopeOf(event, run);
  const raw = rawJsonBody(event);
  if (raw === null) return JSON.stringify(envelope);
  // Everything but the payload is stringified (no placeholder to collide with the
  // body's contents); the payload key goes last, as JSON.stringify would put it.
  const { payload: _payload, ...rest } = envelope;
  const head = JSON.stringify(rest);
  return `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"payload":${raw}}`;
}

/** The body's text when it is valid JSON (without a byte-order mark, which JSON refuses), else null. */
export function rawJsonBody(event: Pick<StoredEvent, 'body' | 'payload'>): string | null {
  if (!('text' in event.body)) return null;
  const { text } = event.body;
  // The receiver keeps a body that is not JSON as its text: no need to try parsing it.
  if (event.payload === text) return null;
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    JSON.parse(json);
    return json;
  } catch {
    return null;
  }
}
