// Where a delivery's payload is, per format. Most providers post JSON; GitHub
// may post `application/x-www-form-urlencoded` with the JSON in one form field
// (`payload=<url-encoded JSON>`, docs.github.com "Creating webhooks"). The raw
// bytes stay the body (signatures cover them, and the feed shows them); the
// payload, type, id, summary and what scripts get come from the field.
import type { ParsedBody } from './event';
import { parseBody } from './event';
import type { Provider } from './types';

const FORM = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;

/**
 * The body as `parseBody` reads it, or, for a provider with `formPayloadField`
 * and a form-encoded body, with `payload` = the JSON in that field (`json` false
 * when the field is missing or not JSON, so a JSON-only provider answers 400).
 */
export function parseDelivery(provider: Provider, raw: Buffer, contentType: string | undefined): ParsedBody {
  const parsed = parseBody(raw);
  const field = provider.formPayloadField;
  if (parsed.json || !field || !FORM.test(contentType ?? '') || !('text' in parsed.body)) return parsed;
  const value = new URLSearchParams(parsed.body.text).get(field);
  if (value === null) return { ...parsed, json: false };
  try {
    return { body: parsed.body, payload: JSON.parse(value) as unknown, json: true };
  } catch {
    return { ...parsed, json: false };
  }
}
