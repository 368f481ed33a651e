// Where a delivery's payload is, per format. Most providers post JSON; GitHub
// may post `application/x-www-form-urlencoded` with the JSON in one form field
// (`payload=<url-encoded JSON>`, docs.github.com "Creating webhooks"); Shopify
// subscriptions may ask for XML (WebhookSubscriptionFormat JSON | XML). The raw
// bytes stay the body (signatures cover them, and the feed shows them); the
// payload, type, id, summary and what scripts get come from where the format
// puts them (XML is handed on as its text).
import type { ParsedBody } from './event';
import { parseBody } from './event';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../store/event-payload';
import type { Provider } from './types';

const FORM = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;
const XML = /^\s*(?:application|text)\/(?:[\w.+-]+\+)?xml\s*(?:;|$)/i;

export interface Delivery extends ParsedBody {
  /**
   * The body is in a format its provider documents (JSON, GitHub's form, Shopify's
   * XML): false for a JSON-only provider's unreadable body, which the receiver refuses with 400.
   */
  documented: boolean;
}

/**
 * The body as `parseBody` reads it; for a provider with `formPayloadField` and a
 * form-encoded body, `payload` is the JSON in that field; for a provider with
 * `xmlBody` and an XML content type, the text is the payload. `contentType` is the
 * request's Content-Type header (any case, parameters allowed).
 */
export function parseDelivery(provider: Provider, raw: Buffer, contentType: string | undefined): Delivery {
  // The object parseBody made, completed in place: no copy per request in the common (JSON) case.
  const parsed = parseBody(raw) as Delivery;
  parsed.documented = true;
  if (parsed.json || !provider.jsonBody) return parsed;
  parsed.documented = false;
  if (!('text' in parsed.body)) return parsed;
  const type = contentType ?? '';
  if (provider.xmlBody && XML.test(type)) {
    parsed.documented = true;
    return parsed;
  }
  const field = provider.formPayloadField;
  if (!field || !FORM.test(type)) return parsed;
  const value = new URLSearchParams(parsed.body.text).get(field);
  if (value === null) return parsed;
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    parsed.tooDeep = true;
    return parsed;
  }
  try {
    parsed.payload = JSON.parse(value) as unknown;
  } catch {
    return parsed;
  }
  parsed.json = true;
  parsed.documented = true;
  return parsed;
}
