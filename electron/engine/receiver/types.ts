// What a provider module (receiver/providers/<name>.ts) implements.
import type { SourceConfig } from '../../../shared/config';

export interface ProviderRequest {
  rawBody: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  source: SourceConfig;
  /** The URL the provider posted to (public URL + /hooks/<id>): Square signs it. */
  url: string;
  now: number;
}

export interface ProviderResult {
  ok: boolean;
  /** Why it was rejected, or a warning for accepted unsigned events. */
  reason: string | null;
  /** Event type, even for rejected requests when it can be read ("unknown" otherwise). */
  type: string;
  /** Provider's own event id used for deduplication; null means "use SHA-256 of body". */
  providerEventId: string | null;
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
  verify(req: ProviderRequest, payload: unknown): ProviderResult;
  /** Builds a correctly signed sample request, for "send a test event" and tests. */
  sample(source: SourceConfig, url: string, now: number): { headers: Record<string, string>; body: string };
}
