// Per-provider knowledge the UI needs: a name and mark, the event types owners
// usually pick, where to find the secret, and the short setup steps.
import type { ProviderId } from '../../shared/types';

export interface ProviderInfo {
  id: ProviderId;
  name: string;
  /** Letters on the badge and its brand-ish colour (CSS class `mark-<id>`). */
  mark: string;
  blurb: string;
  commonTypes: string[];
  secretLabel: string;
  secretHint: string;
  steps: string[];
  /** Whether its secret must start with whsec_. */
  whsec?: boolean;
  /**
   * Who makes the secret. 'provider': shown by the provider only once an endpoint with our URL
   * exists (Stripe, Shopify, Square, Standard Webhooks senders), so the source is added first and
   * the secret pasted later. 'owner': typed by the owner on both sides (GitHub, WooCommerce, HMAC):
   * Hookdock offers to generate one.
   */
  secretBy: 'provider' | 'owner' | 'none';
}

export const PROVIDER_INFO: Record<ProviderId, ProviderInfo> = {
  shopify: {
    id: 'shopify',
    name: 'Shopify',
    mark: 'S',
    blurb: 'Orders, refunds, customers and stock from your Shopify store.',
    commonTypes: [
      'orders/create',
      'orders/paid',
      'orders/updated',
      'orders/cancelled',
      'orders/fulfilled',
      'refunds/create',
      'customers/create',
      'products/update',
      'inventory_levels/update',
      'checkouts/create',
    ],
    secretLabel: 'Webhook signing key',
    secretHint:
      'Shopify shows it under the webhook list ("Your webhooks will be signed with …") once a webhook exists. Add the source now, paste the secret later.',
    secretBy: 'provider',
    steps: [
      'Shopify admin → Settings → Notifications → Webhooks.',
      'Click "Create webhook", pick the event, format JSON, and paste the URL above.',
      'Copy the signing key shown under the list and paste it here with "Paste its secret".',
    ],
  },
  stripe: {
    id: 'stripe',
    name: 'Stripe',
    mark: 'St',
    blurb: 'Payments, refunds, subscriptions and invoices from Stripe.',
    commonTypes: [
      'payment_intent.succeeded',
      'payment_intent.payment_failed',
      'checkout.session.completed',
      'charge.succeeded',
      'charge.refunded',
      'refund.created',
      'customer.created',
      'customer.subscription.created',
      'customer.subscription.deleted',
      'invoice.paid',
      'invoice.payment_failed',
    ],
    secretLabel: 'Signing secret',
    secretHint:
      'Starts with whsec_. Stripe shows it only after you add the endpoint: add the source now, paste the secret later ("Reveal" under "Signing secret" on the endpoint page).',
    whsec: true,
    secretBy: 'provider',
    steps: [
      'Stripe Dashboard → Developers → Webhooks → Add endpoint.',
      'Paste the URL above as the endpoint URL and pick the events to send.',
      'Open the endpoint, reveal its signing secret (whsec_…), then paste it here with "Paste its secret".',
    ],
  },
  woocommerce: {
    id: 'woocommerce',
    name: 'WooCommerce',
    mark: 'Wo',
    blurb: 'Orders, products and customers from your WordPress shop.',
    commonTypes: [
      'order.created',
      'order.updated',
      'order.deleted',
      'product.created',
      'product.updated',
      'customer.created',
      'coupon.created',
    ],
    secretLabel: 'Secret',
    secretHint: 'You choose it: generate one here, copy it, and paste the same secret in WooCommerce.',
    secretBy: 'owner',
    steps: [
      'WordPress admin → WooCommerce → Settings → Advanced → Webhooks → Add webhook.',
      'Pick a topic, paste the URL above as the Delivery URL, and set status to Active.',
      'Paste the secret you generated here into its Secret field.',
    ],
  },
  square: {
    id: 'square',
    name: 'Square',
    mark: 'Sq',
    blurb: 'Payments, orders and refunds from Square.',
    commonTypes: [
      'payment.created',
      'payment.updated',
      'order.created',
      'order.updated',
      'refund.created',
      'refund.updated',
      'customer.created',
      'invoice.payment_made',
    ],
    secretLabel: 'Signature key',
    secretHint:
      'Square shows it on the subscription page once the subscription exists: add the source now, paste the key later.',
    secretBy: 'provider',
    steps: [
      'Square Developer Dashboard → your app → Webhooks → Subscriptions → Add subscription.',
      'Paste the URL above exactly (Square signs it too) and pick the events.',
      'Copy the subscription\u2019s signature key, then paste it here with "Paste its secret".',
    ],
  },
  github: {
    id: 'github',
    name: 'GitHub',
    mark: 'GH',
    blurb: 'Pushes, pull requests, issues and releases from a repository.',
    commonTypes: [
      'push',
      'pull_request.opened',
      'pull_request.closed',
      'issues.opened',
      'issue_comment.created',
      'release.published',
      'workflow_run.completed',
    ],
    secretLabel: 'Secret',
    secretHint: 'You choose it: generate one here, copy it, and paste the same secret on GitHub.',
    secretBy: 'owner',
    steps: [
      'Repository → Settings → Webhooks → Add webhook.',
      'Paste the URL above as the Payload URL and choose content type application/json.',
      'Paste the secret you generated here into its Secret field.',
    ],
  },
  'standard-webhooks': {
    id: 'standard-webhooks',
    name: 'Standard Webhooks',
    mark: 'SW',
    blurb: 'Any service that signs the Standard Webhooks way (Svix, Resend, Clerk, …).',
    commonTypes: [],
    secretLabel: 'Signing secret',
    secretHint:
      'Starts with whsec_. The sending service shows it once the endpoint exists: add the source now, paste the secret later.',
    whsec: true,
    secretBy: 'provider',
    steps: [
      'In the sending service, add a webhook endpoint.',
      'Paste the URL above and pick the events.',
      'Copy the endpoint\u2019s signing secret (whsec_…), then paste it here with "Paste its secret".',
    ],
  },
  hmac: {
    id: 'hmac',
    name: 'Other (signed)',
    mark: '#',
    blurb: 'Any service that signs its webhooks with a shared secret (HMAC).',
    commonTypes: [],
    secretLabel: 'Shared secret',
    secretHint: 'The same secret the sending service signs with: generate one here if the service lets you choose.',
    secretBy: 'owner',
    steps: [
      'In the sending service, paste the URL above as the webhook address.',
      'Set a shared secret there and the same one here.',
      'Tell Hookdock which header carries the signature (its docs say).',
    ],
  },
  none: {
    id: 'none',
    name: 'Other (unsigned)',
    mark: '?',
    blurb: 'Accept anything sent to the URL. Good for testing; anyone with the URL can send.',
    commonTypes: [],
    secretLabel: 'Secret',
    secretHint: '',
    secretBy: 'none',
    steps: [
      'Paste the URL above in the sending service.',
      'Anyone who knows the URL can send events: use it only for testing.',
    ],
  },
};

export const providerInfo = (id: string): ProviderInfo =>
  PROVIDER_INFO[id as ProviderId] ?? { ...PROVIDER_INFO.none, name: id };

/** Every provider's common types, deduplicated, for "any source". */
export function allCommonTypes(): string[] {
  return [...new Set(Object.values(PROVIDER_INFO).flatMap((p) => p.commonTypes))];
}

/** A new random secret (Web Crypto) the owner types on both sides: 32 hex digits, 128 bits. */
export function generateSecret(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A new whsec_ secret made in the browser (Web Crypto), shown before it is saved. */
export function generateWhsec(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  let bin = '';
  bytes.forEach((b) => (bin += String.fromCharCode(b)));
  return `whsec_${btoa(bin)}`;
}
