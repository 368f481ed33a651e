// What the dashboard's "Connect with an API key" form shows per provider: which
// credential to create (least privilege, from each provider's documentation),
// whether an account is needed, and the event types most owners pick. One list,
// read by the renderer; the connectors (engine/connect/<provider>.ts) do the API work.
import type { ProviderId } from './types';

export interface ConnectKind {
  /** "Restricted API key". */
  credentialLabel: string;
  /** Where to create it and with which permissions only. */
  credentialHint: string;
  /** Placeholder showing the credential's shape, e.g. "rk_live_…". */
  credentialPlaceholder: string;
  /** Set for providers that need to know what the credential acts on. */
  account?: { label: string; hint: string; placeholder: string };
  /** Common event types (topics) to offer as checkboxes. */
  commonEvents: string[];
}

export const CONNECT_KINDS: Partial<Record<ProviderId, ConnectKind>> = {
  // docs.stripe.com/keys#limit-access: a restricted key limited to what Hookdock calls.
  stripe: {
    credentialLabel: 'Restricted API key',
    credentialHint:
      'In the Stripe Dashboard: Developers > API keys > Create restricted key, with "Webhook Endpoints: Write" and "Events: Read" and nothing else.',
    credentialPlaceholder: 'rk_live_…',
    commonEvents: [
      'checkout.session.completed',
      'payment_intent.succeeded',
      'payment_intent.payment_failed',
      'charge.succeeded',
      'charge.refunded',
      'charge.dispute.created',
      'invoice.paid',
      'invoice.payment_failed',
      'customer.subscription.created',
      'customer.subscription.deleted',
    ],
  },
  // Added at merge, one entry each: shopify, woocommerce (connect/shopify.ts, woocommerce.ts), github, square.
};

export function connectKind(provider: ProviderId): ConnectKind | undefined {
  return CONNECT_KINDS[provider];
}
