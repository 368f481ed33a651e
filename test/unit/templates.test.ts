// Templates (shared/templates.ts, electron/engine/templates/) on real provider-shaped payloads:
// fields, the money filters, big ids with every digit, non-ASCII text, and the lock-down
// (no file tags, no prototype reads, unknown filters refused, limits on).
import { describe, expect, it } from 'vitest';
import { configSchema, describeIssues } from '../../shared/config';
import { formatMoney, formatMoneyCents, renderTemplate, templateProblem } from '../../shared/templates';
import { templateEnvelope } from '../../electron/engine/templates';
import type { StoredEvent } from '../../electron/engine/store/types';

function eventOf(bodyText: string, provider: string, type: string, headers: Record<string, string> = {}): StoredEvent {
  return {
    id: 'evt_local_1',
    source: 'shop',
    provider,
    type,
    receivedAt: '2026-11-30T05:00:00.000Z',
    headers,
    body: { text: bodyText },
    payload: JSON.parse(bodyText),
  } as unknown as StoredEvent;
}
const render = (text: string, ev: StoredEvent) => renderTemplate(text, templateEnvelope(ev));

// Shopify orders/create (shopify.dev webhook reference): ids beyond 2^53, prices as strings.
const SHOPIFY_ORDER = eventOf(
  `{"id":820982911946154508,"order_number":1042,"total_price":"1199.5","currency":"EUR",
 "customer":{"id":115310627314723954,"first_name":"Zoë","last_name":"Ångström"},
 "line_items":[{"id":866550311766439020,"title":"Grüne Tasse ☕","quantity":2,"price":"99.50"}]}`,
  'shopify',
  'orders/create',
  { 'x-shopify-topic': 'orders/create' },
);
// Stripe charge.refunded (docs.stripe.com/api/events): amounts in cents.
const STRIPE_REFUND = eventOf(
  `{"id":"evt_1Q2","type":"charge.refunded","data":{"object":{"id":"ch_3Q","amount":25000,
 "amount_refunded":12005,"currency":"usd","billing_details":{"name":"José Núñez"}}}}`,
  'stripe',
  'charge.refunded',
);
// WooCommerce order.created (WooCommerce REST API order properties).
const WOO_ORDER = eventOf(
  `{"id":727,"total":"59.00","billing":{"first_name":"Łukasz","country":"PL"},
 "line_items":[{"id":315,"name":"Kaffee – Röstung","quantity":1}]}`,
  'woocommerce',
  'order.created',
);
// Square payment.created (developer.squareup.com webhooks): money in the smallest unit.
const SQUARE_PAYMENT = eventOf(
  `{"type":"payment.created","event_id":"13b867cf","data":{"object":{"payment":{"id":"KkAkhdMs",
 "amount_money":{"amount":123456789012345678901,"currency":"USD"},"note":"お茶 2杯"}}}}`,
  'square',
  'payment.created',
);
// GitHub push (docs.github.com webhook events).
const GITHUB_PUSH = eventOf(
  `{"ref":"refs/heads/main","repository":{"full_name":"octo/hello"},"pusher":{"name":"Søren"},
 "commits":[{"id":"6dcb09b","message":"Fix ünïcode"},{"id":"7abc","message":"Docs"}]}`,
  'github',
  'push',
);

describe('templates on provider payloads', () => {
  it('Shopify order: big ids keep every digit, money, non-ASCII names, headers', async () => {
    expect(
      await render(
        'Order {{ payload.id }} for {{ payload.customer.first_name }} {{ payload.customer.last_name }}',
        SHOPIFY_ORDER,
      ),
    ).toBe('Order 820982911946154508 for Zoë Ångström');
    expect(
      await render(
        '{{ payload.total_price | money }} / {{ payload.total_price | money: payload.currency }}',
        SHOPIFY_ORDER,
      ),
    ).toBe('1199.50 / €1,199.50');
    expect(
      await render(
        '{{ payload.line_items[0].title }} ×{{ payload.line_items.first.quantity }} ({{ payload.line_items[0].id }})',
        SHOPIFY_ORDER,
      ),
    ).toBe('Grüne Tasse ☕ ×2 (866550311766439020)');
    expect(
      await render(
        '{{ headers["x-shopify-topic"] }} on {{ source }} ({{ provider }}, {{ type }}, {{ id }})',
        SHOPIFY_ORDER,
      ),
    ).toBe('orders/create on shop (shopify, orders/create, evt_local_1)');
  });

  it('Stripe refund: cents to units with money_cents, with and without a currency', async () => {
    expect(await render('{{ payload.data.object.amount_refunded | money_cents }}', STRIPE_REFUND)).toBe('120.05');
    expect(
      await render(
        '{{ payload.data.object.amount_refunded | money_cents: payload.data.object.currency }} to {{ payload.data.object.billing_details.name }}',
        STRIPE_REFUND,
      ),
    ).toBe('$120.05 to José Núñez');
    expect(
      await render('{% if payload.data.object.amount_refunded > 10000 %}big{% else %}small{% endif %}', STRIPE_REFUND),
    ).toBe('big');
  });

  it('WooCommerce order: string total, Polish and German text', async () => {
    expect(
      await render(
        '{{ payload.billing.first_name }}: {{ payload.total | money: "EUR" }} – {{ payload.line_items[0].name }}',
        WOO_ORDER,
      ),
    ).toBe('Łukasz: €59.00 – Kaffee – Röstung');
  });

  it('Square payment: an amount beyond 2^53 stays exact through money_cents; Japanese text', async () => {
    expect(await render('{{ payload.data.object.payment.amount_money.amount }}', SQUARE_PAYMENT)).toBe(
      '123456789012345678901',
    );
    expect(
      await render(
        '{{ payload.data.object.payment.amount_money.amount | money_cents }} {{ payload.data.object.payment.note }}',
        SQUARE_PAYMENT,
      ),
    ).toBe('1234567890123456789.01 お茶 2杯');
  });

  it('GitHub push: loops over commits, size filter, a missing field renders as nothing', async () => {
    expect(
      await render(
        '{{ payload.pusher.name }} pushed {{ payload.commits | size }}: {% for c in payload.commits %}{{ c.message }};{% endfor %}',
        GITHUB_PUSH,
      ),
    ).toBe('Søren pushed 2: Fix ünïcode;Docs;');
    expect(await render('[{{ payload.nothing.here }}]', GITHUB_PUSH)).toBe('[]');
  });
});

describe('money filters', () => {
  it('formats numbers and digit strings exactly, rounding half away from zero; leaves other text alone', () => {
    expect(formatMoney(199)).toBe('199.00');
    expect(formatMoney('0.005')).toBe('0.01');
    expect(formatMoney('-12.345')).toBe('-12.35');
    expect(formatMoney('12345678901234567890.125', 'USD')).toBe('$12,345,678,901,234,567,890.13');
    expect(formatMoney('n/a')).toBe('n/a');
    expect(formatMoney(null)).toBe('');
    expect(formatMoneyCents(5)).toBe('0.05');
    expect(formatMoneyCents(-1999, 'gbp')).toBe('-£19.99');
    expect(formatMoneyCents('12.5')).toBe('12.5');
  });
});

describe('lock-down', () => {
  it('refuses the tags that read files, at parse, with a sentence', async () => {
    for (const t of ["{% include '/etc/passwd' %}", "{% render 'x' %}", "{% layout 'x' %}"]) {
      expect(templateProblem(t)).toMatch(/not available in Hookdock templates/);
      await expect(render(t, GITHUB_PUSH)).rejects.toThrow(/not available/);
    }
  });

  it('reads own properties only: no constructor, no prototype', async () => {
    expect(await render('[{{ payload.constructor }}][{{ payload.commits.constructor.name }}]', GITHUB_PUSH)).toBe(
      '[][]',
    );
    expect(await render('{{ payload.__proto__ }}', GITHUB_PUSH)).toBe('');
  });

  it('refuses an unknown filter and a broken tag on save', () => {
    expect(templateProblem('{{ payload.x | shout }}')).toMatch(/undefined filter: shout/);
    expect(templateProblem('{% if payload.x %}no end')).toMatch(/this template does not work/);
    expect(templateProblem('Hello {{ payload.customer.first_name }}')).toBeNull();
  });

  it('stops a render that allocates without bound (memoryLimit)', async () => {
    const t = '{% for a in (1..100000) %}{% for b in (1..100000) %}xxxxxxxxxx{% endfor %}{% endfor %}';
    await expect(render(t, GITHUB_PUSH)).rejects.toThrow(/limit/i);
  });

  it('config: an action field that is not a valid template is refused with its JSON path', () => {
    const parsed = configSchema.safeParse({
      automations: [
        {
          id: 'a',
          source: '*',
          events: ['*'],
          action: { kind: 'notify', title: 'ok', body: '{{ payload.x | nope }}' },
        },
      ],
    });
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(describeIssues(parsed.error)).toMatch(
        /automations\[0\]\.action\.body: this template does not work: undefined filter: nope/,
      );
  });
});

describe('every templated action field is checked on save', () => {
  it('refuses a template that does not parse in forward, email and agent fields, naming the field', async () => {
    const { actionSchema } = await import('../../shared/actions');
    const bad = '{{ payload.name ';
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'forward', url: 'https://example.com/h', body: bad }, 'body'],
      [
        { kind: 'email', smtp: { host: 'smtp.example.com' }, from: 'a@example.com', to: 'b@example.com', subject: bad },
        'subject',
      ],
      [{ kind: 'email', smtp: { host: 'smtp.example.com' }, from: 'a@example.com', to: bad, body: 'x' }, 'to'],
      [{ kind: 'agent', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3', message: bad }, 'message'],
    ];
    for (const [action, field] of cases) {
      const r = actionSchema.safeParse(action);
      expect(r.success, field).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(field);
    }
    // A good template in the same fields passes.
    expect(
      actionSchema.safeParse({ kind: 'forward', url: 'https://example.com/h', body: '{"id": "{{ payload.id }}"}' })
        .success,
    ).toBe(true);
  });
});
