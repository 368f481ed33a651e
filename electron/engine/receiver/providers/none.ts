// An unsigned source: everything is accepted, with a warning the owner sees on
// each event. Duplicates are recognised by the SHA-256 of the body.
import type { Provider } from '../types';
import { genericSample } from './hmac';
import { extract } from './util';

export const UNSIGNED_WARNING =
  'This source is not signed: anyone who knows its URL can send events to it. Use a provider with a signing secret when the sender offers one.';

export const none: Provider = {
  id: 'none',
  label: 'Unsigned',
  verify(req, payload) {
    return {
      ok: true,
      reason: UNSIGNED_WARNING,
      type: extract(req.source.eventType, req.headers, payload, req.rawBody) ?? 'unknown',
      providerEventId: null,
    };
  },
  sample(source, _url, now) {
    return genericSample(source, now);
  },
};
