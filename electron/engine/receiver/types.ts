// What a provider module (receiver/providers/<name>.ts) implements.
import type { SourceConfig } from '../../../shared/config';

export interface ProviderRequest {
  rawBody: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  source: SourceConfig;
  /**
   * The URL the provider posted to, as Square signs it: path and query exactly as
   * received, on the origin of the source's notificationUrl (else the public URL).
   */
  url: string;
  /**
   * Other URLs the sender may have signed (the configured notificationUrl as
   * written, the public URL's origin): a signature over any of them is accepted.
   */
  otherUrls?: string[];
  now: number;
  /**
   * Rebuilt by Connect from the provider's API after a gap (connect/recovered-event.ts), never
   * set for an HTTP request: there is no signature to check, and the duplicate key is the
   * resource key (providers/resource-key.ts). Only providers Connect recovers for read it.
   */
  recovered?: boolean;
}

export interface ProviderResult {
  ok: boolean;
  /** Why it was rejected, or a warning for accepted unsigned events. */
  reason: string | null;
  /** Event type, even for rejected requests when it can be read ("unknown" otherwise). */
  type: string;
  /** Provider's own event id, shown and searched; null means "use SHA-256 of body". */
  providerEventId: string | null;
  /**
   * What a redelivery of the same event shares and nothing else does (dedupe-key.ts):
   * the provider's id plus the topic and/or a body hash where the id alone is not
   * unique per event. Absent: providerEventId (or the body's SHA-256) is the key.
   */
  dedupeKey?: string;
  /**
   * The resource and change this delivery is about (providers/resource-key.ts), shared by a
   * webhook and Hookdock's recovered copy of it: a recovered event's duplicate key is this,
   * and the store finds a webhook by it too, so whichever comes second is the duplicate.
   */
  resourceKey?: string;
  /**
   * Rejected, yet answered 2xx: a provider's own unsigned handshake (WooCommerce's
   * ping when a webhook is saved) that would otherwise make the provider refuse the URL.
   * Stored as rejected, never runs an automation.
   */
  acknowledge?: boolean;
}

export interface Provider {
  id: SourceConfig['provider'];
  /** A human name: "Shopify". */
  label: string;
  /** The provider always sends JSON: a body that does not parse is rejected (the receiver answers 400). */
  jsonBody?: boolean;
  /** The provider signs the URL it posted to (Square): the receiver works out `url`/`otherUrls` only then. */
  signsUrl?: boolean;
  /**
   * The form field holding the JSON payload when the body comes as
   * application/x-www-form-urlencoded (GitHub: `payload`): the signature still
   * covers the raw form bytes; type, id, summary and the script's payload come from the field.
   */
  formPayloadField?: string;
  /** The provider may send XML (Shopify's `format: xml` subscriptions): kept, and handed to scripts, as text. */
  xmlBody?: boolean;
  verify(req: ProviderRequest, payload: unknown): ProviderResult;
  /** Builds a correctly signed sample request, for "send a test event" and tests. */
  sample(source: SourceConfig, url: string, now: number): { headers: Record<string, string>; body: string };
}
