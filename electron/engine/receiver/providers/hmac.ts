// A generic HMAC sender: the header, algorithm (sha1/sha256/sha512), encoding
// (hex/base64) and prefix ("sha256=") come from the source's `hmac` config; the
// event type and id from its `eventType` / `eventId` extractors. Any body.
// Duplicates: the configured id with the type (an id is an event's only within
// its type), or the body's SHA-256 when no id is configured. A JSON-path id
// that is a number keeps its exact digits.
import { randomUUID } from 'node:crypto';
import type { SourceConfig } from '../../../../shared/config';
import type { Provider } from '../types';
import { dedupeKeyOf } from './dedupe-key';
import {
  accepted,
  digestsEqual,
  extract,
  fromBase64,
  fromHex,
  header,
  hmac as hmacOf,
  missingHeader,
  noSecret,
  rejected,
  writeJsonPath,
  sourceName,
} from './util';

type HmacSettings = NonNullable<SourceConfig['hmac']>;

/** The header value a sender following `settings` puts on `body`. */
export function hmacHeaderValue(settings: HmacSettings, secret: string, body: string | Buffer): string {
  return settings.prefix + hmacOf(settings.algorithm, secret, body).toString(settings.encoding);
}

export const hmac: Provider = {
  id: 'hmac',
  label: 'HMAC',
  verify(req, payload) {
    const { source } = req;
    const type = extract(source.eventType, req.headers, payload, req.rawBody) ?? 'unknown';
    const eventId = extract(source.eventId, req.headers, payload, req.rawBody);
    const settings = source.hmac;
    if (!settings)
      return rejected(
        `Source "${source.id}" has no "hmac" settings (header, algorithm, encoding): add them in Hookdock's settings.`,
        type,
        eventId,
      );
    if (!source.secret) return rejected(noSecret(source), type, eventId);
    const value = header(req, settings.header);
    if (!value) return rejected(missingHeader(settings.header, 'the sender configured for this source'), type, eventId);
    const prefix = settings.prefix;
    // Senders disagree on the case of "sha256=": the prefix carries no secret, so compare it loosely.
    if (prefix && value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) {
      return rejected(
        `The ${settings.header} header does not start with "${prefix}": check the prefix setting of source "${sourceName(source)}".`,
        type,
        eventId,
      );
    }
    const given = value.slice(prefix.length);
    const expected = hmacOf(settings.algorithm, source.secret, req.rawBody);
    if (!digestsEqual(expected, settings.encoding === 'hex' ? fromHex(given) : fromBase64(given))) {
      return rejected(
        `The signature in ${settings.header} did not match: check the secret of source "${sourceName(source)}" and its settings (${settings.algorithm}, ${settings.encoding}${prefix ? `, prefix "${prefix}"` : ''}).`,
        type,
        eventId,
      );
    }
    return accepted(type, eventId, eventId === null ? null : dedupeKeyOf([type, eventId]));
  },
  sample(source, _url, now) {
    const { body, headers } = genericSample(source, now);
    const settings = source.hmac;
    if (settings) headers[settings.header.toLowerCase()] = hmacHeaderValue(settings, source.secret ?? '', body);
    return { headers, body };
  },
};

/** A form submission, with the configured type/id extractors filled in. Shared with `none`. */
export function genericSample(source: SourceConfig, now: number): { headers: Record<string, string>; body: string } {
  const type = 'form.submitted';
  const id = randomUUID();
  const payload: Record<string, unknown> = {
    type,
    id,
    created_at: new Date(now).toISOString(),
    data: { email: 'jane@example.com', name: 'Jane Doe', message: 'Do you ship to Canada?' },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (source.eventType) {
    if ('header' in source.eventType) headers[source.eventType.header.toLowerCase()] = type;
    else writeJsonPath(payload, source.eventType.jsonPath, type);
  }
  if (source.eventId) {
    if ('header' in source.eventId) headers[source.eventId.header.toLowerCase()] = id;
    else writeJsonPath(payload, source.eventId.jsonPath, id);
  }
  return { headers, body: JSON.stringify(payload) };
}
