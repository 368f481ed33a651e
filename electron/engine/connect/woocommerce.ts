// WooCommerce Connect: webhooks through the REST API (wc/v3) with the owner's REST API
// key (woocommerce-api.ts). A WooCommerce webhook has one topic, so Hookdock's
// subscription id is the webhooks' ids joined by commas, in the order of the topics
// ("12,13"). The signing secret is Hookdock's (req.secret), set on every one of them and
// returned by create(). WooCommerce disables a webhook after more than 5 failed
// deliveries in a row (status `disabled`; `paused` by hand): get() says enabled false,
// and update({enabled: true}) makes it `active` again. create() adopts webhooks that
// already exist for the topic and URL (WooCommerce would happily keep two, and deliver twice).
import { recoverWoocommerce } from './woocommerce-recover';
import { wooRequest } from './woocommerce-api';
import { ConnectError, type ConnectorContext, type ProviderConnector, type Subscription } from './types';

interface Webhook {
  id: number;
  topic: string;
  status: string;
  delivery_url: string;
  secret?: string;
}

const ids = (id: string) => id.split(',').filter(Boolean);

function toSubscription(hooks: Webhook[]): Subscription {
  return {
    id: hooks.map((h) => String(h.id)).join(','),
    url: hooks[0]?.delivery_url ?? '',
    events: hooks.map((h) => h.topic),
    enabled: hooks.every((h) => h.status === 'active'),
  };
}

async function existing(ctx: ConnectorContext): Promise<Webhook[]> {
  const all: Webhook[] = [];
  for (let page = 1; ; page++) {
    const answer = await wooRequest(ctx, 'GET', `/webhooks?per_page=100&page=${page}`);
    all.push(...((answer.json as Webhook[] | undefined) ?? []));
    if (page >= Number(answer.headers.get('x-wp-totalpages') ?? 1)) return all;
  }
}

async function createOne(
  ctx: ConnectorContext,
  topic: string,
  url: string,
  secret: string,
  adoptable: Webhook[],
): Promise<Webhook> {
  const same = adoptable.find((h) => h.topic === topic && h.delivery_url === url);
  if (same) return (await wooRequest(ctx, 'PUT', `/webhooks/${same.id}`, { secret, status: 'active' })).json as Webhook;
  const made = await wooRequest(ctx, 'POST', '/webhooks', {
    name: `Hookdock: ${topic}`,
    topic,
    delivery_url: url,
    secret,
    status: 'active',
  });
  return made.json as Webhook;
}

async function deleteOne(ctx: ConnectorContext, id: string): Promise<void> {
  try {
    await wooRequest(ctx, 'DELETE', `/webhooks/${encodeURIComponent(id)}?force=true`);
  } catch (err) {
    // Already gone is what delete wants.
    if (!(err instanceof ConnectError && err.kind === 'not-found')) throw err;
  }
}

/** The webhooks, `context=edit` so their secret comes too; null when any is gone. */
async function getHooks(ctx: ConnectorContext, id: string): Promise<Webhook[] | null> {
  const hooks: Webhook[] = [];
  for (const one of ids(id)) {
    try {
      hooks.push((await wooRequest(ctx, 'GET', `/webhooks/${encodeURIComponent(one)}?context=edit`)).json as Webhook);
    } catch (err) {
      if (err instanceof ConnectError && err.kind === 'not-found') return null;
      throw err;
    }
  }
  return hooks.length ? hooks : null;
}

export const woocommerceConnector: ProviderConnector = {
  provider: 'woocommerce',
  // Every shop is its own site: empty means ConnectConfig.account (the https site URL).
  defaultApiBase: '',

  /** One webhook per topic, signed with `req.secret` (returned); a failure part-way deletes what it made. */
  async create(ctx, req) {
    const adoptable = await existing(ctx);
    const hooks: Webhook[] = [];
    try {
      for (const topic of req.events) hooks.push(await createOne(ctx, topic, req.url, req.secret, adoptable));
    } catch (err) {
      for (const h of hooks)
        if (!adoptable.some((a) => a.id === h.id)) await deleteOne(ctx, String(h.id)).catch(() => {});
      throw err;
    }
    return { subscription: toSubscription(hooks), secret: req.secret };
  },

  /** Null when any of its webhooks is gone (create() then adopts the rest). */
  async get(ctx, id) {
    const hooks = await getHooks(ctx, id);
    return hooks ? toSubscription(hooks) : null;
  },

  /** `url` and `enabled` (active / paused) on each webhook; `events` adds (with the same secret) and removes topics. */
  async update(ctx, id, change) {
    const hooks = await getHooks(ctx, id);
    if (!hooks) throw new ConnectError('not-found', 'The WooCommerce webhook is gone: Hookdock creates it again.');
    const patch: Record<string, string> = {};
    if (change.url) patch.delivery_url = change.url;
    if (change.enabled !== undefined) patch.status = change.enabled ? 'active' : 'paused';
    let current = hooks;
    if (Object.keys(patch).length) {
      current = [];
      for (const h of hooks) current.push((await wooRequest(ctx, 'PUT', `/webhooks/${h.id}`, patch)).json as Webhook);
    }
    if (change.events) {
      const secret = hooks.find((h) => h.secret)?.secret;
      const kept: Webhook[] = [];
      for (const topic of change.events) {
        const have = current.find((h) => h.topic === topic);
        if (have) kept.push(have);
        else if (!secret)
          throw new ConnectError(
            'invalid',
            'WooCommerce did not show the webhook secret: disconnect and connect the source again.',
          );
        else kept.push(await createOne(ctx, topic, change.url ?? current[0]!.delivery_url, secret, []));
      }
      for (const h of current) if (!kept.includes(h)) await deleteOne(ctx, String(h.id));
      current = kept;
    }
    return toSubscription(current);
  },

  async delete(ctx, id) {
    for (const one of ids(id)) await deleteOne(ctx, one);
  },

  recover: recoverWoocommerce,
};
