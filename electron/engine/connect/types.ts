// The seam between the Connect manager (connect/manager.ts) and one provider's
// API client (connect/<provider>.ts). A connector only talks to the provider's
// API; the manager owns state, scheduling, secrets, storing recovered events.
import type { ProviderId } from '../../../shared/types';

/** A webhook subscription as the provider reports it. */
export interface Subscription {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
}

export interface ConnectorContext {
  /** The API base: the provider's real one, or `HOOKDOCK_<PROVIDER>_API_BASE` (tests' fake servers). */
  apiBase: string;
  /** The owner's credential (never put it in an error message or a log line). */
  credential: string;
  /** ConnectConfig.account (shop domain, `owner/repo` / `org:name`, site URL). */
  account?: string;
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/**
 * A delivery rebuilt from the provider's API as the provider would have sent it:
 * the headers the webhook carries (topic, ids) and the body bytes. The manager runs it
 * through the receiver's provider parse (type, ids, duplicate key, summary) without
 * signature verification and stores it with `recovered: true`.
 */
export interface RecoveredDelivery {
  headers: Record<string, string>;
  body: string;
  /**
   * Optional: the duplicate key to store it under, when the provider's parse of these headers
   * cannot give the key its webhook would have (e.g. a resource id + topic). Absent: the
   * provider's own key (Stripe: the event id, the same as the webhook's).
   */
  dedupeKey?: string;
}

export interface RecoveryResult {
  deliveries: RecoveredDelivery[];
  /** Deliveries the provider was asked to redeliver itself (GitHub). */
  redelivered: number;
  /** Sentences: what could not be recovered and why. */
  notes: string[];
}

/**
 * Why an API call failed, for the manager's decisions; `message` is a sentence the owner can
 * act on ("Stripe refused the key: create a restricted key with …"), never the credential.
 */
export class ConnectError extends Error {
  constructor(
    readonly kind: 'auth' | 'forbidden' | 'not-found' | 'rate-limited' | 'invalid' | 'unreachable' | 'provider',
    message: string,
    /** For `rate-limited`: how long the provider asked us to wait, ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

export interface ProviderConnector {
  readonly provider: ProviderId;
  /** The real API base (e.g. `https://api.stripe.com`); `HOOKDOCK_<PROVIDER>_API_BASE` overrides it. */
  readonly defaultApiBase: string;
  /**
   * Creates a subscription to `events` at `url`. `secret` is one Hookdock generated, for providers
   * that take the secret from the caller (GitHub, WooCommerce); providers that make their own
   * (Stripe `whsec_…`) or sign with the app's secret (Shopify: the source's existing secret) return
   * the one to verify with, or null to keep the source's.
   */
  create(
    ctx: ConnectorContext,
    req: { url: string; events: string[]; secret: string },
  ): Promise<{ subscription: Subscription; secret: string | null }>;
  /** The subscription, or null when it no longer exists (deleted on the provider's side). */
  get(ctx: ConnectorContext, id: string): Promise<Subscription | null>;
  /** Changes url, events and/or enables it again. */
  update(
    ctx: ConnectorContext,
    id: string,
    change: { url?: string; events?: string[]; enabled?: boolean },
  ): Promise<Subscription>;
  delete(ctx: ConnectorContext, id: string): Promise<void>;
  /** What the provider lets us get back for [from, to) (ms since epoch), or absent when nothing can be. */
  recover?(ctx: ConnectorContext, sub: Subscription, span: { from: number; to: number }): Promise<RecoveryResult>;
}
