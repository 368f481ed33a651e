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
  account?: { label: string; hint: string; placeholder: string; optional?: boolean };
  /** Common event types (topics) to offer as checkboxes. */
  commonEvents: string[];
  /**
   * Set where Connect leaves the source's signing secret to the owner (Shopify signs with the
   * app's client secret): what the source form then asks for instead of the hand set-up's secret.
   */
  signingSecret?: { label: string; hint: string };
  /** Two more of this provider's event names, as the "Other event types" placeholder shows them. */
  otherEventsExample: string;
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
    otherEventsExample: 'invoice.upcoming, refund.created',
  },
  // shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin:
  // a custom app's Admin API token; webhooks it creates are signed with the app's client secret.
  shopify: {
    credentialLabel: 'Admin API access token',
    credentialHint:
      'In Shopify admin: Settings > Apps and sales channels > Develop apps > Create an app, with only the "read_orders" Admin API scope; install it and copy the Admin API access token. Paste the app\'s API secret key as the source\'s signing secret: Shopify signs these webhooks with it.',
    credentialPlaceholder: 'shpat_…',
    account: {
      label: 'Shop domain',
      hint: "Your shop's myshopify.com address (the Shopify admin's address in your browser works too).",
      placeholder: 'my-shop.myshopify.com',
    },
    commonEvents: [
      'orders/create',
      'orders/updated',
      'orders/paid',
      'orders/fulfilled',
      'orders/cancelled',
      'refunds/create',
    ],
    otherEventsExample: 'customers/create, products/update',
    signingSecret: {
      label: "App's API secret key",
      hint: 'In Shopify admin: Settings > Apps and sales channels > Develop apps > the app you connected with > API credentials > API secret key. Shopify signs the webhooks Hookdock made with it.',
    },
  },
  // woocommerce.github.io/woocommerce-rest-api-docs/#authentication: REST keys, Basic auth over HTTPS.
  woocommerce: {
    credentialLabel: 'REST API key',
    credentialHint:
      'In WordPress: WooCommerce > Settings > Advanced > REST API > Add key, permissions "Read/Write" (WooCommerce needs write to create webhooks). Paste it as consumer key and consumer secret joined by a colon: ck_…:cs_…',
    credentialPlaceholder: 'ck_…:cs_…',
    account: {
      label: 'Site address',
      hint: "Your shop's address, starting with https://",
      placeholder: 'https://shop.example.com',
    },
    commonEvents: ['order.created', 'order.updated', 'order.deleted', 'customer.created', 'product.updated'],
    otherEventsExample: 'product.created, coupon.created',
  },
  // docs.github.com/en/rest/repos/webhooks: a fine-grained token with "Webhooks: read and write" only.
  github: {
    credentialLabel: 'Fine-grained personal access token',
    credentialHint:
      'On GitHub: Settings > Developer settings > Personal access tokens > Fine-grained tokens, for this one repository, with only the "Webhooks: read and write" repository permission (the organisation permission for an organisation hook).',
    credentialPlaceholder: 'github_pat_…',
    account: {
      label: 'Repository or organisation',
      hint: 'owner/repo, or org:name for an organisation hook (its github.com address works too).',
      placeholder: 'acme/shop',
    },
    commonEvents: ['push', 'pull_request', 'issues', 'issue_comment', 'release', 'workflow_run'],
    otherEventsExample: 'star, fork',
  },
  // developer.squareup.com/docs/webhooks/overview: subscriptions belong to the application.
  square: {
    credentialLabel: 'Personal access token',
    credentialHint:
      'In the Square Developer Console: your application > Credentials > Production (or Sandbox) access token. Square cannot narrow this token: make an application just for Hookdock.',
    credentialPlaceholder: 'EAAA…',
    account: {
      label: 'Environment',
      hint: 'Leave empty for your live account; write "sandbox" for a sandbox application.',
      placeholder: '',
      optional: true,
    },
    commonEvents: [
      'payment.created',
      'payment.updated',
      'order.created',
      'order.updated',
      'refund.created',
      'customer.created',
    ],
    otherEventsExample: 'refund.updated, invoice.payment_made',
  },
};

export function connectKind(provider: ProviderId): ConnectKind | undefined {
  return CONNECT_KINDS[provider];
}
