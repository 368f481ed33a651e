// Connect: Hookdock creates and keeps a source's webhook subscription with the
// owner's API credential for that provider (issue #14; ARCHITECTURE.md wave 2,
// "Connect"). Pure types shared by the engine, the API and the renderer.
import type { IsoTime, ProviderId } from './types';

/** Providers whose webhook subscriptions Hookdock can create through their API. */
export const CONNECTABLE_PROVIDERS = [
  'stripe',
  'shopify',
  'woocommerce',
  'square',
  'github',
] as const satisfies readonly ProviderId[];

/**
 * What a source's `connect` holds in config.json (and `PUT /api/sources/:id`).
 * `credential` is a secret like `secret` (keychain in the desktop app, masked
 * in API answers, never logged). `account` names what the credential acts on
 * where the provider needs it: the Shopify shop domain (`my-shop.myshopify.com`),
 * the GitHub repository (`owner/repo`) or organisation (`org:name`), the
 * WooCommerce site URL; unused for Stripe and Square.
 */
export interface ConnectConfig {
  credential: string;
  /** The provider's event types (topics) to subscribe to, e.g. `["checkout.session.completed"]`. */
  events: string[];
  account?: string;
}

/**
 * The subscription's state as Hookdock last saw it:
 * `connecting` (being created), `active` (exists, enabled, points at our URL),
 * `repaired` (was deleted/disabled/stale and Hookdock fixed it; see `lastAction`),
 * `error` (Hookdock cannot keep it: `error` says why and what to do),
 * `disconnected` (the owner removed `connect`; the subscription was deleted).
 */
export type ManagedState = 'connecting' | 'active' | 'repaired' | 'error' | 'disconnected';

/** `managed` on a source in API answers (never in config.json's hand-edited part). */
export interface ManagedStatus {
  state: ManagedState;
  /** The provider's id for the subscription (Stripe `we_…`, a Shopify GID, a GitHub hook id…). */
  subscriptionId: string | null;
  /** The URL the subscription points at. */
  url: string | null;
  lastCheckedAt: IsoTime | null;
  /** One sentence the owner can act on, or null; never carries the credential. */
  error: string | null;
  /** The last thing Hookdock did, in words ("Re-created the deleted subscription at 14:02"). */
  lastAction: string | null;
}

/** What one recovery after a gap did, per source (shown in "While you were away"). */
export interface RecoveryReport {
  source: string;
  from: IsoTime;
  to: IsoTime;
  /** Events stored as `recovered: true` (not already stored). */
  recovered: number;
  /** Deliveries the provider was asked to send again (GitHub). */
  redelivered: number;
  /** Subscriptions re-created or re-enabled during the check after the gap. */
  recreated: number;
  reenabled: number;
  /** Sentences for what could not be done and why. */
  notes: string[];
  at: IsoTime;
}

/**
 * `connect` as it leaves the engine (API answers, the renderer): the credential is the
 * mask (shared/config.ts SECRET_MASK), `hasCredential` says whether one is stored.
 */
export interface PublicConnect {
  credential: string;
  hasCredential: boolean;
  events: string[];
  account?: string;
}
