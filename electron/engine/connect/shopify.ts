// Shopify Connect: webhook subscriptions through the GraphQL Admin API (2025-07) with a
// custom app's Admin API access token (shpat_…); ConnectConfig.account is the shop's
// `my-shop.myshopify.com`. Shopify signs the webhooks with the app's client secret, which
// the owner keeps as the source's `secret`: create() returns secret null.
//
// One GraphQL WebhookSubscription has one topic, so Hookdock's subscription id is the
// subscriptions' GIDs joined by commas, in the order of the topics
// (`gid://shopify/WebhookSubscription/1,gid://shopify/WebhookSubscription/2`).
// Shopify has no "enabled" flag: a subscription exists (enabled) or, removed after
// failing deliveries (8 tries over about 4 hours), is gone: get() is then null, and the
// manager creates it again. create() adopts subscriptions that already exist for the topic
// and URL, so creating again after a partial loss makes no second copy.
import type { ProviderConnector, Subscription, ConnectorContext } from './types';
import { ConnectError } from './types';
import { redact } from './provider-http';
import { scopeFor, shopifyGraphql } from './shopify-api';
import { recoverShopify } from './shopify-recover';
import { topicEnum, topicName } from './shopify-topics';

const FIELDS = 'id topic endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } }';

interface Node {
  id: string;
  topic: string;
  endpoint?: { callbackUrl?: string } | null;
}
interface UserError {
  field?: string[] | null;
  message: string;
}

const CREATE = `mutation HookdockCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { userErrors { field message } webhookSubscription { ${FIELDS} } }
}`;
const FIND = `query HookdockFind($topics: [WebhookSubscriptionTopic!], $callbackUrl: URL) {
  webhookSubscriptions(first: 10, topics: $topics, callbackUrl: $callbackUrl) { nodes { ${FIELDS} } }
}`;
const GET = `query HookdockGet($id: ID!) { webhookSubscription(id: $id) { ${FIELDS} } }`;
const UPDATE = `mutation HookdockUpdate($id: ID!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionUpdate(id: $id, webhookSubscription: $webhookSubscription) { userErrors { field message } webhookSubscription { ${FIELDS} } }
}`;
const DELETE = `mutation HookdockDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) { userErrors { field message } deletedWebhookSubscriptionId }
}`;

/** userErrors are the owner's to fix (a URL Shopify refuses, a topic the app may not have): one sentence. */
function refuse(errors: UserError[] | undefined, credential: string): void {
  if (!errors?.length) return;
  const said = redact(errors.map((e) => e.message).join('; '), credential).slice(0, 300);
  throw new ConnectError(
    'invalid',
    `Shopify refused the webhook subscription (${said}): check the topics and the URL.`,
  );
}

const ids = (id: string) => id.split(',').filter(Boolean);

async function createOne(ctx: ConnectorContext, topic: string, url: string, scopes: string): Promise<Node> {
  const found = await shopifyGraphql<{ webhookSubscriptions: { nodes: Node[] } }>(
    ctx,
    FIND,
    { topics: [topicEnum(topic)], callbackUrl: url },
    scopes,
  );
  const existing = found.webhookSubscriptions.nodes.find((n) => n.endpoint?.callbackUrl === url);
  if (existing) return existing;
  const data = await shopifyGraphql<{
    webhookSubscriptionCreate: { userErrors: UserError[]; webhookSubscription: Node | null };
  }>(ctx, CREATE, { topic: topicEnum(topic), webhookSubscription: { callbackUrl: url, format: 'JSON' } }, scopes);
  refuse(data.webhookSubscriptionCreate.userErrors, ctx.credential);
  const made = data.webhookSubscriptionCreate.webhookSubscription;
  if (!made)
    throw new ConnectError('provider', 'Shopify did not create the webhook subscription: Hookdock tries again later.');
  return made;
}

async function deleteOne(ctx: ConnectorContext, id: string): Promise<void> {
  const data = await shopifyGraphql<{ webhookSubscriptionDelete: { userErrors: UserError[] } }>(ctx, DELETE, { id });
  // Already gone (deleted by hand, or by Shopify after failed deliveries) is what delete wants.
  const errors = data.webhookSubscriptionDelete.userErrors.filter((e) => !/does not exist|not found/i.test(e.message));
  refuse(errors, ctx.credential);
}

function toSubscription(nodes: Node[]): Subscription {
  return {
    id: nodes.map((n) => n.id).join(','),
    url: nodes[0]?.endpoint?.callbackUrl ?? '',
    events: nodes.map((n) => topicName(n.topic)),
    enabled: true,
  };
}

async function getNodes(ctx: ConnectorContext, id: string): Promise<Node[] | null> {
  const nodes: Node[] = [];
  for (const gid of ids(id)) {
    const data = await shopifyGraphql<{ webhookSubscription: Node | null }>(ctx, GET, { id: gid });
    if (!data.webhookSubscription) return null;
    nodes.push(data.webhookSubscription);
  }
  return nodes.length ? nodes : null;
}

export const shopifyConnector: ProviderConnector = {
  provider: 'shopify',
  // Every shop has its own API host: empty means https://<ConnectConfig.account>.
  defaultApiBase: '',

  /** One subscription per topic (existing ones for the same topic and URL are adopted); secret null (the app's). */
  async create(ctx, req) {
    const scopes = scopeFor(req.events);
    const nodes: Node[] = [];
    for (const topic of req.events) nodes.push(await createOne(ctx, topic, req.url, scopes));
    return { subscription: toSubscription(nodes), secret: null };
  },

  /** Null when any of its topics' subscriptions is gone (create() then adopts the rest). */
  async get(ctx, id) {
    const nodes = await getNodes(ctx, id);
    return nodes ? toSubscription(nodes) : null;
  },

  /** `url` updates each topic's subscription; `events` adds and removes topics (the id changes); `enabled` has no meaning at Shopify. */
  async update(ctx, id, change) {
    let nodes = await getNodes(ctx, id);
    if (!nodes)
      throw new ConnectError('not-found', 'The Shopify webhook subscription is gone: Hookdock creates it again.');
    const url = change.url ?? nodes[0]!.endpoint?.callbackUrl ?? '';
    if (change.url) {
      const updated: Node[] = [];
      for (const node of nodes) {
        const data = await shopifyGraphql<{
          webhookSubscriptionUpdate: { userErrors: UserError[]; webhookSubscription: Node | null };
        }>(ctx, UPDATE, { id: node.id, webhookSubscription: { callbackUrl: change.url } });
        refuse(data.webhookSubscriptionUpdate.userErrors, ctx.credential);
        updated.push(data.webhookSubscriptionUpdate.webhookSubscription ?? node);
      }
      nodes = updated;
    }
    if (change.events) {
      const scopes = scopeFor(change.events);
      const kept: Node[] = [];
      for (const topic of change.events) {
        kept.push(nodes.find((n) => topicName(n.topic) === topic) ?? (await createOne(ctx, topic, url, scopes)));
      }
      for (const node of nodes) if (!kept.includes(node)) await deleteOne(ctx, node.id);
      nodes = kept;
    }
    return toSubscription(nodes);
  },

  async delete(ctx, id) {
    for (const gid of ids(id)) await deleteOne(ctx, gid);
  },

  recover: recoverShopify,
};
