// One human line per event ("Order #1042 — $59.00 — Jane Doe") and a readable
// event type ("Order created"). Pure: it runs in the engine when an event
// arrives and in the browser, so it imports nothing from Node.
import type { ProviderId } from './types';

type Rec = Record<string, unknown>;
const MAX_LENGTH = 200;

/** A one-line summary of the payload, or null when nothing useful can be said. */
export function summarize(provider: ProviderId, type: string, payload: unknown): string | null {
  const p = rec(payload);
  if (!p) return null;
  let line: string | null;
  try {
    switch (provider) {
      case 'stripe':
        line = stripeSummary(type, p);
        break;
      case 'shopify':
        line = shopifySummary(type, p);
        break;
      case 'woocommerce':
        line = wooSummary(type, p);
        break;
      case 'square':
        line = squareSummary(type, p);
        break;
      case 'github':
        line = githubSummary(type, p);
        break;
      default:
        line = genericSummary(type, p);
    }
  } catch {
    // A payload shaped in a way nobody expected must never fail an event.
    line = null;
  }
  return line ? oneLine(line) : null;
}

const PAST: Record<string, string> = { create: 'created', update: 'updated', delete: 'deleted' };

/** "orders/create" -> "Order created", "charge.refunded" -> "Charge refunded". */
export function humanizeType(type: string): string {
  if (!type) return 'Unknown';
  const slash = type.includes('/');
  const segments = type.split(slash ? '/' : '.').filter(Boolean);
  const words = segments.map((seg, i) => {
    let text = seg.replace(/[_-]+/g, ' ').trim();
    const last = i === segments.length - 1;
    if (last && segments.length > 1) text = PAST[text] ?? text;
    // Shopify names collections in the plural ("orders/create"): one order was created.
    if (slash && !last) text = singular(text);
    return text;
  });
  const out = words.join(' ').replace(/\s+/g, ' ').toLowerCase();
  return out.charAt(0).toUpperCase() + out.slice(1);
}

function singular(text: string): string {
  const words = text.split(' ');
  const w = words[words.length - 1];
  if (/ies$/.test(w)) words[words.length - 1] = w.slice(0, -3) + 'y';
  else if (/[^su]s$/.test(w) && w.length > 3) words[words.length - 1] = w.slice(0, -1);
  return words.join(' ');
}

// ---- money ----------------------------------------------------------------

// Stripe's own lists (docs: "Zero-decimal currencies"): amounts are in minor units
// of these many digits, which is not always ISO 4217's figure.
const STRIPE_ZERO = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));
const STRIPE_THREE = new Set('bhd jod kwd omr tnd'.split(' '));
const formats = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat | null {
  const code = currency.toUpperCase();
  let f = formats.get(code);
  if (!f) {
    try {
      f = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    } catch {
      return null;
    }
    formats.set(code, f);
  }
  return f;
}

/** A major-unit amount ("59.00" or 59) in a currency: "$59.00", "€12.50". */
export function formatMoney(amount: unknown, currency: unknown): string | null {
  const n = typeof amount === 'string' ? Number(amount) : amount;
  if (typeof n !== 'number' || !Number.isFinite(n) || (typeof amount === 'string' && amount.trim() === '')) return null;
  const cur = str(currency);
  const f = cur ? formatter(cur) : null;
  if (!f) return cur ? `${n.toFixed(2)} ${cur.toUpperCase()}` : n.toFixed(2);
  return f.format(n);
}

function stripeMoney(minor: unknown, currency: unknown): string | null {
  const cur = str(currency)?.toLowerCase();
  if (typeof minor !== 'number' || !cur) return null;
  const digits = STRIPE_ZERO.has(cur) ? 0 : STRIPE_THREE.has(cur) ? 3 : 2;
  return formatMoney(minor / 10 ** digits, cur);
}

/** Square's `{amount, currency}` in the smallest unit, ISO digits. */
function squareMoney(money: unknown): string | null {
  const m = rec(money);
  const cur = str(m?.currency);
  if (!m || typeof m.amount !== 'number' || !cur) return null;
  const digits = formatter(cur)?.resolvedOptions().maximumFractionDigits ?? 2;
  return formatMoney(m.amount / 10 ** digits, cur);
}

// ---- per provider ---------------------------------------------------------

function stripeSummary(type: string, p: Rec): string | null {
  const o = rec(rec(p.data)?.object);
  if (!o) return null;
  const kind = str(o.object);
  const cur = o.currency;
  const id = str(o.id);
  // Who it was for, where Stripe's object says it (API reference: Charge.billing_details,
  // receipt_email; Checkout Session.customer_details; Invoice.customer_name/customer_email).
  const billing = rec(o.billing_details);
  const details = rec(o.customer_details);
  const email =
    str(o.receipt_email) ?? str(billing?.email) ?? str(o.customer_email) ?? str(details?.email) ?? str(o.email);
  const name = str(billing?.name) ?? str(details?.name) ?? str(o.customer_name) ?? str(rec(o.shipping)?.name);
  const who = join(name, email);
  const description = str(o.description);
  if (type === 'charge.refunded')
    return join(`Refund of ${stripeMoney(o.amount_refunded, cur) ?? '?'}`, who ?? description ?? id);
  switch (kind) {
    case 'refund':
      return join(`Refund of ${stripeMoney(o.amount, cur) ?? '?'}`, str(o.charge) ?? str(o.payment_intent) ?? id);
    case 'customer':
      return type.endsWith('.created')
        ? `New customer: ${join(str(o.name), email) ?? id}`
        : join('Customer', str(o.name), email ?? id);
    case 'charge':
    case 'payment_intent': {
      const failed = /fail/.test(type);
      const amount = `${failed ? 'Failed payment' : 'Payment'} of ${stripeMoney(o.amount, cur) ?? '?'}`;
      return who || description ? join(amount, who, description) : join(amount, id);
    }
    case 'checkout.session':
      return join(`Checkout of ${stripeMoney(o.amount_total, cur) ?? '?'}`, who);
    case 'invoice': {
      const verb = lastSegment(type).replace(/_/g, ' ');
      return join(`Invoice ${verb}: ${stripeMoney(o.amount_paid || o.amount_due, cur) ?? '?'}`, who);
    }
    case 'subscription':
      return join(`Subscription ${str(o.status) ?? lastSegment(type)}`, str(o.customer));
    case 'dispute':
      return join(`Dispute of ${stripeMoney(o.amount, cur) ?? '?'}`, str(o.charge), str(o.reason));
    case 'payout':
      return join(`Payout of ${stripeMoney(o.amount, cur) ?? '?'}`, str(o.status));
    default:
      return join(humanizeType(type), stripeMoney(o.amount, cur), who, id);
  }
}

function personName(...candidates: unknown[]): string | null {
  for (const c of candidates) {
    const r = rec(c);
    if (!r) continue;
    const full = [str(r.first_name) ?? str(r.given_name), str(r.last_name) ?? str(r.family_name)]
      .filter(Boolean)
      .join(' ');
    if (full) return full;
    if (str(r.name)) return str(r.name);
  }
  return null;
}

function shopifySummary(type: string, p: Rec): string | null {
  const [topic] = type.split('/');
  const email = str(p.email) ?? str(p.contact_email);
  switch (topic) {
    case 'orders': {
      const number = str(p.name) ?? (num(p.order_number) !== null ? `#${p.order_number}` : null);
      const who = personName(p.customer, p.billing_address, p.shipping_address) ?? email;
      return join(`Order ${number ?? str(p.id) ?? ''}`.trim(), formatMoney(p.total_price, p.currency), who);
    }
    case 'refunds': {
      const txs = Array.isArray(p.transactions) ? p.transactions.map(rec).filter((t): t is Rec => !!t) : [];
      const total = txs.reduce((sum, t) => sum + (Number(t.amount) || 0), 0);
      const money = txs.length ? formatMoney(total, txs[0].currency) : null;
      return join(
        money ? `Refund of ${money}` : 'Refund',
        p.order_id !== undefined ? `order ${str(p.order_id)}` : null,
      );
    }
    case 'customers':
      return type.endsWith('/create')
        ? `New customer: ${email ?? personName(p) ?? str(p.id)}`
        : join('Customer', personName(p), email);
    case 'products':
      return join(`Product: ${str(p.title) ?? str(p.id) ?? '?'}`, str(p.status));
    case 'checkouts':
      return join(
        'Checkout',
        formatMoney(p.total_price, p.currency),
        personName(p.customer, p.billing_address, p.shipping_address),
        email,
      );
    case 'fulfillments':
      return join(`Fulfillment ${str(p.status) ?? ''}`.trim(), str(p.name), str(p.tracking_number));
    case 'app':
      return join('App uninstalled', str(p.myshopify_domain) ?? str(p.domain) ?? str(p.name));
    default:
      return genericSummary(type, p);
  }
}

function wooSummary(type: string, p: Rec): string | null {
  const [resource] = type.split('.');
  const billing = rec(p.billing);
  switch (resource) {
    case 'order':
      return join(
        `Order #${str(p.number) ?? str(p.id) ?? '?'}`,
        formatMoney(p.total, p.currency),
        personName(billing) ?? str(billing?.email),
      );
    case 'customer':
      return type.endsWith('.created')
        ? `New customer: ${str(p.email) ?? personName(p) ?? str(p.id)}`
        : join('Customer', personName(p), str(p.email));
    case 'product':
      return join(`Product: ${str(p.name) ?? str(p.id) ?? '?'}`, str(p.status));
    case 'coupon':
      return join(`Coupon: ${str(p.code) ?? str(p.id) ?? '?'}`, str(p.amount));
    default:
      return genericSummary(type, p);
  }
}

function squareSummary(type: string, p: Rec): string | null {
  const data = rec(p.data);
  const obj = rec(data?.object);
  const [kind] = type.split('.');
  const inner = rec(obj?.[kind]);
  switch (kind) {
    case 'payment':
      return inner
        ? join(
            `Payment of ${squareMoney(inner.amount_money) ?? '?'}`,
            lower(inner.status),
            personName(inner.billing_address, inner.shipping_address),
            str(inner.buyer_email_address),
          )
        : null;
    case 'refund':
      return inner ? join(`Refund of ${squareMoney(inner.amount_money) ?? '?'}`, lower(inner.status)) : null;
    case 'customer': {
      const email = str(inner?.email_address);
      const name = personName(inner);
      return type.endsWith('.created')
        ? `New customer: ${email ?? name ?? str(data?.id)}`
        : join('Customer', name, email);
    }
    case 'order': {
      const o = rec(obj?.order_created) ?? rec(obj?.order_updated) ?? rec(obj?.order_fulfillment_updated);
      return o ? join(`Order ${str(o.order_id) ?? '?'}`, lower(o.state)) : null;
    }
    case 'invoice':
      return inner
        ? join(`Invoice ${str(inner.invoice_number) ?? str(inner.id) ?? ''}`.trim(), lower(inner.status))
        : null;
    default:
      return data ? join(humanizeType(type), str(data.id)) : null;
  }
}

function githubSummary(type: string, p: Rec): string | null {
  const [event] = type.split('.');
  const action = str(p.action);
  const who = str(rec(p.sender)?.login);
  const repo = str(rec(p.repository)?.full_name);
  switch (event) {
    case 'push': {
      const ref = str(p.ref) ?? '';
      const target = ref.startsWith('refs/tags/') ? `tag ${ref.slice(10)}` : ref.replace(/^refs\/heads\//, '');
      const by = str(rec(p.pusher)?.name) ?? who;
      return `push to ${target || '?'}${by ? ` by ${by}` : ''}`;
    }
    case 'pull_request': {
      const pr = rec(p.pull_request);
      const verb = action === 'closed' && pr?.merged ? 'merged' : action;
      return `PR #${str(p.number) ?? str(pr?.number) ?? '?'} ${verb ?? ''}${who ? ` by ${who}` : ''}: ${str(pr?.title) ?? ''}`;
    }
    case 'issues': {
      const issue = rec(p.issue);
      return `Issue #${str(issue?.number) ?? '?'} ${action ?? ''}${who ? ` by ${who}` : ''}: ${str(issue?.title) ?? ''}`;
    }
    case 'issue_comment':
      return `Comment on #${str(rec(p.issue)?.number) ?? '?'}${who ? ` by ${who}` : ''}`;
    case 'release':
      return `Release ${str(rec(p.release)?.tag_name) ?? '?'} ${action ?? ''}${who ? ` by ${who}` : ''}`;
    case 'star':
      return `${who ?? 'Someone'} ${action === 'deleted' ? 'unstarred' : 'starred'} ${repo ?? 'the repository'}`;
    case 'ping':
      return join('Ping from GitHub', str(p.zen));
    case 'workflow_run': {
      const run = rec(p.workflow_run);
      return join(`Workflow ${str(run?.name) ?? '?'} ${action ?? ''}`.trim(), str(run?.conclusion));
    }
    default:
      return join(`${humanizeType(type)}${repo ? ` in ${repo}` : ''}`, who ? `by ${who}` : null);
  }
}

/** Standard Webhooks, HMAC and unsigned senders: look for the usual names. */
function genericSummary(type: string, p: Rec): string | null {
  const data = rec(p.data);
  const o = rec(data?.object) ?? data ?? p;
  const email = str(o.email) ?? str(o.email_address) ?? str(o.customer_email);
  const name = personName(o) ?? str(o.title);
  if (email && /customer|user|signup|subscriber/i.test(type) && /creat|new|signup|subscribed/i.test(type)) {
    return `New ${/user/i.test(type) ? 'user' : /subscriber/i.test(type) ? 'subscriber' : 'customer'}: ${email}`;
  }
  return join(name, email);
}

// ---- small helpers --------------------------------------------------------

function rec(v: unknown): Rec | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : null;
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function lower(v: unknown): string | null {
  return str(v)?.toLowerCase() ?? null;
}

function lastSegment(type: string): string {
  return type.split(/[./]/).pop() ?? type;
}

/** Joins the parts that exist with " — "; null when none does. */
function join(...parts: (string | null | undefined)[]): string | null {
  const present = parts.filter((x): x is string => !!x && x.trim() !== '');
  return present.length ? present.join(' — ') : null;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_LENGTH ? flat.slice(0, MAX_LENGTH - 1) + '…' : flat;
}
