// What each provider does when Hookdock does not answer, from its own
// documentation, turned into sentences for one gap. A Record over every
// ProviderId, so a provider added later cannot be left without a policy.
import type { SourceConfig } from '../../../shared/config';
import type { GapSource } from '../../../shared/gaps';
import type { ProviderId } from '../../../shared/types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One gap as the policies see it: epoch ms; `to` null while it goes on (then `now` is used). */
export interface GapSpan {
  from: number;
  to: number | null;
  now: number;
}

interface Policy {
  label: string;
  /** The documented policy, one sentence. */
  policy: string;
  /** What it means for this gap and what to do. */
  recovery(span: GapSpan, sourceId: string): string;
}

/** "2026-11-30 04:12 UTC": unambiguous whatever the owner's time zone; the UI shows it as written. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const lengthOf = (s: GapSpan) => (s.to ?? s.now) - s.from;

/** Retries for `window` after each event: events from the gap keep coming until from+window... */
function retriesFor(window: number, until: (s: GapSpan) => string, after: (s: GapSpan) => string) {
  return (s: GapSpan) => (lengthOf(s) < window ? until(s) : after(s));
}

const POLICIES: Record<ProviderId, Policy> = {
  // shopify.dev/docs/apps/build/webhooks/troubleshooting-webhooks: 8 retries over 4 hours, then
  // subscriptions created in the Shopify admin are deleted (app subscriptions get warning emails).
  shopify: {
    label: 'Shopify',
    policy:
      'Shopify retries a failed webhook 8 times over about 4 hours; after that it deletes webhooks created in the Shopify admin.',
    recovery: retriesFor(
      4 * HOUR,
      (s) =>
        `Nothing to do: Shopify keeps retrying what it sent during this gap until about ${formatTime(s.from + 4 * HOUR)}, and it will arrive here.`,
      () =>
        'Shopify has probably deleted this webhook. In your Shopify admin open Settings → Notifications → Webhooks; if it is gone, create it again with the URL Hookdock shows for this source. Orders from the gap are in Shopify → Orders.',
    ),
  },
  // woocommerce.com/document/webhooks: no retries; disabled after more than 5 consecutive failures.
  woocommerce: {
    label: 'WooCommerce',
    policy:
      'WooCommerce never retries a failed webhook, and disables the webhook after more than 5 failed deliveries in a row.',
    recovery: () =>
      'What WooCommerce sent during this gap is lost: look those orders up in WooCommerce → Orders. If more than 5 deliveries failed, open WooCommerce → Settings → Advanced → Webhooks and set the webhook’s Status back to Active.',
  },
  // docs.github.com/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks: no
  // automatic retries; failed deliveries can be redelivered by hand for 3 days.
  github: {
    label: 'GitHub',
    policy: 'GitHub never retries a failed webhook; you can redeliver it by hand for 3 days.',
    recovery: retriesFor(
      3 * DAY,
      (s) =>
        `Redeliver by hand before ${formatTime(s.from + 3 * DAY)}: in the repository open Settings → Webhooks → Recent Deliveries and press Redeliver on each failed one.`,
      () =>
        'The failed deliveries from the start of this gap are older than 3 days and can no longer be redelivered; check Settings → Webhooks → Recent Deliveries for the newer ones.',
    ),
  },
  // docs.stripe.com/webhooks#retries: live mode retries with backoff for up to 3 days.
  stripe: {
    label: 'Stripe',
    policy: 'Stripe retries a failed webhook with growing delays for up to 3 days.',
    recovery: retriesFor(
      3 * DAY,
      (s) =>
        `Nothing to do: Stripe keeps retrying what it sent during this gap until about ${formatTime(s.from + 3 * DAY)}.`,
      () =>
        'Stripe has stopped retrying the oldest events of this gap and may have disabled the endpoint: check Developers → Webhooks in the Stripe Dashboard, re-enable it, and resend missed events from its Events list.',
    ),
  },
  // developer.squareup.com/docs/webhooks/troubleshooting: retried for up to 72 hours, then discarded
  // (older versions of that page said 24 hours).
  square: {
    label: 'Square',
    policy: 'Square retries a failed webhook for up to 72 hours, then discards it.',
    recovery: retriesFor(
      3 * DAY,
      (s) =>
        `Nothing to do: Square keeps retrying what it sent during this gap until about ${formatTime(s.from + 3 * DAY)}.`,
      () =>
        'Square has discarded the oldest notifications of this gap: see Webhooks → Logs in the Square Developer Console for what was missed.',
    ),
  },
  // standardwebhooks.com: the spec suggests retries over about a day and a half, but the sender decides.
  'standard-webhooks': {
    label: 'Your Standard Webhooks sender',
    policy: 'Each Standard Webhooks sender sets its own retries; many retry for a day or more.',
    recovery: () => 'Check the sender’s dashboard for failed deliveries from this gap; most let you resend them.',
  },
  hmac: {
    label: 'Your webhook sender',
    policy: 'Hookdock does not know this sender’s retry policy.',
    recovery: () => 'Check the sender’s documentation or dashboard for deliveries that failed during this gap.',
  },
  none: {
    label: 'Your webhook sender',
    policy: 'Hookdock does not know this sender’s retry policy.',
    recovery: () => 'Check the sender’s documentation or dashboard for deliveries that failed during this gap.',
  },
};

/** The owner-facing name of a provider ("Shopify"). */
export function providerLabel(provider: ProviderId): string {
  return POLICIES[provider].label;
}

/** Per source: its provider's documented policy and what it means for this gap. */
export function sourcesForGap(sources: readonly SourceConfig[], span: GapSpan): GapSource[] {
  return sources.map((s) => {
    const p = POLICIES[s.provider];
    return { id: s.id, provider: s.provider, providerPolicy: p.policy, recovery: p.recovery(span, s.id) };
  });
}
