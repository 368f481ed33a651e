// The engine side of templates (shared/templates.ts): the envelope a template sees for a
// stored event, and rendering one or many fields of an action.
//
// Big numbers keep their digits: the payload is read from the body's own text with
// `lossless-json`, and a number a double cannot hold (a Shopify id such as
// 820982911946155508, an amount with many digits) becomes its exact decimal text, so
// `{{ payload.id }}` writes what the provider sent. Numbers a double holds stay numbers
// (for comparisons in `{% if %}` and for filters).
import { isSafeNumber, parse } from 'lossless-json';
import { renderTemplate, type TemplateEnvelope } from '../../../shared/templates';
import { envelopeOf } from '../actions/envelope';
import type { StoredEvent } from '../store/types';

/** The payload for templates: the body's JSON read losslessly, else what the receiver stored. */
export function templatePayload(event: Pick<StoredEvent, 'body' | 'payload'>): unknown {
  if (!('text' in event.body) || event.payload === event.body.text) return event.payload;
  const text = event.body.text.charCodeAt(0) === 0xfeff ? event.body.text.slice(1) : event.body.text;
  try {
    return parse(text, null, (n) => (isSafeNumber(n) ? Number(n) : n));
  } catch {
    return event.payload;
  }
}

/**
 * The envelope a template sees: {id, source, provider, type, receivedAt, headers, payload, test}.
 * `test` is true for a test event or a "Test it" run.
 */
export function templateEnvelope(event: StoredEvent, test = false): TemplateEnvelope {
  // The script's envelope (actions/envelope.ts) less `run`, with the payload read losslessly.
  const { run: _run, ...envelope } = envelopeOf(event);
  return { ...envelope, test: envelope.test || test, payload: templatePayload(event) };
}

/**
 * Renders each named field over the envelope. Rejects with an Error whose message names the
 * field and says what went wrong (never a payload value): "The template in "body" could not be
 * rendered: ...".
 */
export async function renderFields<K extends string>(
  fields: Record<K, string>,
  envelope: TemplateEnvelope,
): Promise<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(fields) as K[]) {
    try {
      out[key] = await renderTemplate(fields[key], envelope);
    } catch (err) {
      throw new Error(`The template in "${key}" could not be rendered: ${firstLine(err)}. Fix it in the automation.`, {
        cause: err,
      });
    }
  }
  return out;
}

const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0];

export { renderTemplate };
