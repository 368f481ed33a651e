// The owner picks Shopify topics as Shopify's webhook docs and the X-Shopify-Topic
// header name them (`orders/create`); the GraphQL Admin API takes the
// WebhookSubscriptionTopic enum (ORDERS_CREATE: the same words, upper case, `/` as `_`).
// Going back is ambiguous where the resource has two words (INVENTORY_ITEMS_CREATE),
// so those resources are listed (shopify.dev/docs/api/admin-graphql/2025-07/enums/WebhookSubscriptionTopic).
import { ConnectError } from './types';

const TWO_WORD_RESOURCES = [
  'app_purchases_one_time',
  'app_subscriptions',
  'bulk_operations',
  'collection_listings',
  'customer_account_settings',
  'customer_groups',
  'customer_payment_methods',
  'customers_email_marketing_consent',
  'customers_marketing_consent',
  'draft_orders',
  'fulfillment_events',
  'fulfillment_holds',
  'fulfillment_orders',
  'inventory_items',
  'inventory_levels',
  'order_transactions',
  'payment_schedules',
  'payment_terms',
  'product_feeds',
  'product_listings',
  'selling_plan_groups',
  'subscription_billing_attempts',
  'subscription_billing_cycle_edits',
  'subscription_billing_cycles',
  'subscription_contracts',
  'tender_transactions',
];

const TOPIC = /^[a-z][a-z_]*\/[a-z][a-z_]*$/;

/** `orders/create` -> `ORDERS_CREATE`; a name that is no topic -> ConnectError 'invalid'. */
export function topicEnum(topic: string): string {
  if (!TOPIC.test(topic)) {
    throw new ConnectError(
      'invalid',
      `"${topic.slice(0, 60)}" is not a Shopify webhook topic: pick topics as Shopify names them, like orders/create or refunds/create.`,
    );
  }
  return topic.replace('/', '_').toUpperCase();
}

/** `ORDERS_CREATE` -> `orders/create` (two-word resources from the list above). */
export function topicName(value: string): string {
  const lower = value.toLowerCase();
  const resource = TWO_WORD_RESOURCES.filter((r) => lower.startsWith(`${r}_`)).sort((a, b) => b.length - a.length)[0];
  if (resource) return `${resource}/${lower.slice(resource.length + 1)}`;
  const at = lower.indexOf('_');
  return at < 0 ? lower : `${lower.slice(0, at)}/${lower.slice(at + 1)}`;
}
