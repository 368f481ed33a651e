import { readFileSync } from 'node:fs';
import { signedRequest } from './test/helpers/sign';
import { shopifyOrder, stripeCharge, stripeChargeRefunded, wooOrder } from './test/fixtures/payloads';
const recv = /Receiver:\s+(\S+)/.exec(readFileSync('/tmp/qa1/serve.log', 'utf8'))![1];
const post = async (id: string, s: any, opts: any) => {
  const r = await signedRequest(s, opts);
  const res = await fetch(`${recv}/hooks/${id}`, { method: 'POST', headers: r.headers, body: r.body });
  console.log(id, opts.type, res.status, await res.text());
};
const { id: _a, ...shop } = shopifyOrder;
await post('my-shop', { id: 'my-shop', provider: 'shopify', secret: 'shop-secret-owner' }, { type: 'orders/create', extra: shopifyOrder });
const { id: _s, type: _t, ...charge } = stripeCharge as any;
await post('stripe-payments', { id: 'stripe-payments', provider: 'stripe', secret: 'whsec_b3duZXJzdHJpcGVzZWNyZXQ=' }, { type: 'charge.succeeded', extra: { data: stripeCharge.data } });
await post('stripe-payments', { id: 'stripe-payments', provider: 'stripe', secret: 'whsec_b3duZXJzdHJpcGVzZWNyZXQ=' }, { type: 'charge.refunded', extra: { data: stripeChargeRefunded.data } });
await post('woo', { id: 'woo', provider: 'woocommerce', secret: 'woo-secret' }, { type: 'order.created', extra: wooOrder });
// a wrong secret
await post('my-shop', { id: 'my-shop', provider: 'shopify', secret: 'WRONG' }, { type: 'orders/paid', extra: shopifyOrder });
await post('woo', { id: 'woo', provider: 'woocommerce', secret: 'bad' }, { type: 'order.updated', extra: wooOrder });
