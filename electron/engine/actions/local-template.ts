// A stand-in for the shared template helper (electron/engine/templates/, built on another
// branch): Liquid (liquidjs, https://liquidjs.com) over the event envelope, with its safety
// options on. Swap the callers to the shared helper when it lands; the contract is the same.
import { Liquid } from 'liquidjs';
import { isSafeNumber, parse } from 'lossless-json';
import type { StoredEvent } from '../store/types';
import { envelopeOf } from './script/envelope';

const liquid = new Liquid({
  // `{{ payload.constructor }}` and friends read nothing but the data's own fields.
  ownPropertyOnly: true,
  // An unknown filter is an error (a typo is told), not silently nothing.
  strictFilters: true,
  // A template is owner-written, but a loop over a large payload must not hang the engine.
  renderLimit: 1_000, // ms per render
  memoryLimit: 16 * 1024 * 1024, // about 16 MB of strings and arrays per render
  parseLimit: 64 * 1024, // characters of template
});

/** The envelope templates see; numbers a double cannot hold (Shopify ids) keep their digits, as text. */
export function templateEnvelope(event: StoredEvent): Record<string, unknown> {
  const envelope = envelopeOf(event);
  if (!('text' in event.body) || event.payload === event.body.text) return envelope;
  try {
    const text = event.body.text.charCodeAt(0) === 0xfeff ? event.body.text.slice(1) : event.body.text;
    return { ...envelope, payload: parse(text, null, (n) => (isSafeNumber(n) ? Number(n) : n)) };
  } catch {
    return envelope;
  }
}

/**
 * Renders `text` (a Liquid template) over the event's envelope ({{ payload.x }}, {{ headers.y }},
 * {{ type }}). Throws an Error whose message is a sentence naming the problem (bad syntax, an
 * unknown filter, a render over its limits).
 */
export async function renderTemplate(text: string, event: StoredEvent): Promise<string> {
  if (!text.includes('{')) return text;
  try {
    return await liquid.parseAndRender(text, templateEnvelope(event));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(`The template could not be filled in (${why}): correct it in the automation.`, { cause: err });
  }
}
