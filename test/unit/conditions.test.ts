// Conditions on real provider-shaped payloads (shared/conditions.ts): sift over the
// envelope, numbers exact past 2^53, non-ASCII text, a missing field a non-match,
// and the checks on save with the JSON path of the bad part.
import { describe, expect, it } from 'vitest';
import { compileConditions, conditionIssues, conditionPayload, type Conditions } from '../../shared/conditions';
import { automationSchema, configSchema, describeIssues } from '../../shared/config';

/** The envelope as the engine builds it for conditions: payload from the body's own text. */
const view = (bodyText: string, headers: Record<string, string> = {}) => ({
  headers,
  payload: conditionPayload(bodyText, JSON.parse(bodyText)),
});
const matches = (conditions: Conditions, bodyText: string, headers?: Record<string, string>) =>
  compileConditions(conditions)(view(bodyText, headers));

// Shopify orders/create (shopify.dev webhook reference): ids beyond 2^53, prices as strings.
const SHOPIFY_ORDER = `{"id":820982911946154508,"order_number":1042,"total_price":"199.00","currency":"EUR",
 "tags":"wholesale, vip","customer":{"id":115310627314723954,"first_name":"Zoë","last_name":"Ångström"},
 "shipping_address":{"country_code":"NL","city":"'s-Hertogenbosch"},
 "line_items":[{"id":866550311766439020,"title":"Grüne Tasse ☕","quantity":2,"price":"99.50"}]}`;
const SHOPIFY_HEADERS = { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'shop.myshopify.com' };

// Stripe charge.refunded (docs.stripe.com/api/events): amounts in cents.
const STRIPE_REFUND = `{"id":"evt_1Q2","type":"charge.refunded","data":{"object":{"id":"ch_3Q","object":"charge",
 "amount":25000,"amount_refunded":12000,"currency":"usd","billing_details":{"name":"José Núñez"},
 "refunds":{"data":[{"id":"re_1","amount":12000,"reason":"requested_by_customer"}]}}}}`;

// WooCommerce order.created (woocommerce.github.io REST API order properties).
const WOO_ORDER = `{"id":727,"status":"processing","currency":"EUR","total":"59.00","billing":{"first_name":"Łukasz",
 "country":"PL","email":"lukasz@example.com"},"line_items":[{"id":315,"name":"Kaffee – Röstung","quantity":1}],
 "meta_data":[{"key":"_wc_gift","value":"yes"}]}`;

// Square payment.created (developer.squareup.com webhooks): money in the smallest unit.
const SQUARE_PAYMENT = `{"merchant_id":"6SSW7HV8K2ST5","type":"payment.created","event_id":"13b867cf-db3d-4b1c-90b6-2f32a9d78124",
 "data":{"type":"payment","id":"KkAkhdMs","object":{"payment":{"id":"KkAkhdMs","status":"COMPLETED",
 "amount_money":{"amount":123456789012345678901,"currency":"JPY"},"note":"お茶 2杯"}}}}`;

// GitHub push (docs.github.com webhook events): commits list, non-ASCII names.
const GITHUB_PUSH = `{"ref":"refs/heads/main","repository":{"id":1296269,"full_name":"octo/hello"},
 "pusher":{"name":"Søren"},"commits":[{"id":"6dcb09b","message":"Fix ünïcode","author":{"name":"Søren"}},
 {"id":"7abc","message":"Docs","author":{"name":"Ana"}}]}`;

describe('conditions on provider payloads', () => {
  it('Shopify order: topic header, string price over an amount, country, tags, non-ASCII names', () => {
    const c = {
      'headers.x-shopify-topic': 'orders/create',
      'payload.total_price': { $gt: 100 },
      'payload.shipping_address.country_code': 'NL',
      'payload.tags': { $regex: 'wholesale' },
      'payload.customer.first_name': 'Zoë',
    };
    expect(matches(c, SHOPIFY_ORDER, SHOPIFY_HEADERS)).toBe(true);
    expect(matches({ ...c, 'payload.total_price': { $gt: 200 } }, SHOPIFY_ORDER, SHOPIFY_HEADERS)).toBe(false);
    expect(matches({ ...c, 'headers.x-shopify-topic': 'orders/paid' }, SHOPIFY_ORDER, SHOPIFY_HEADERS)).toBe(false);
    expect(matches({ 'payload.line_items.title': 'Grüne Tasse ☕' }, SHOPIFY_ORDER)).toBe(true);
    expect(matches({ 'payload.customer.last_name': 'Angstrom' }, SHOPIFY_ORDER)).toBe(false);
  });

  it('Shopify ids beyond 2^53 compare exactly, as written in the body', () => {
    // Doubles cannot tell these apart: 820982911946154508 and ...509 are the same double.
    expect(Number('820982911946154508') === Number('820982911946154509')).toBe(true);
    expect(matches({ 'payload.id': '820982911946154508' }, SHOPIFY_ORDER)).toBe(true);
    expect(matches({ 'payload.id': '820982911946154509' }, SHOPIFY_ORDER)).toBe(false);
    expect(matches({ 'payload.id': { $gt: '820982911946154507' } }, SHOPIFY_ORDER)).toBe(true);
    expect(matches({ 'payload.id': { $gt: '820982911946154508' } }, SHOPIFY_ORDER)).toBe(false);
    expect(matches({ 'payload.id': { $lte: '820982911946154508' } }, SHOPIFY_ORDER)).toBe(true);
    expect(matches({ 'payload.id': { $in: ['1', '820982911946154508'] } }, SHOPIFY_ORDER)).toBe(true);
    expect(matches({ 'payload.id': { $nin: ['820982911946154508'] } }, SHOPIFY_ORDER)).toBe(false);
    expect(matches({ 'payload.line_items.id': '866550311766439020' }, SHOPIFY_ORDER)).toBe(true);
    expect(matches({ 'payload.line_items.id': '866550311766439021' }, SHOPIFY_ORDER)).toBe(false);
    // A big number compares with a small one by value too.
    expect(matches({ 'payload.customer.id': { $gt: 1000 } }, SHOPIFY_ORDER)).toBe(true);
  });

  it('numbers with more than 15 significant digits do not compare wrongly', () => {
    const body = '{"rate":0.12345678901234567,"big":9007199254740993}';
    expect(Number('0.12345678901234567') === Number('0.12345678901234566')).toBe(true); // what a double would say
    expect(matches({ 'payload.rate': '0.12345678901234567' }, body)).toBe(true);
    expect(matches({ 'payload.rate': '0.12345678901234566' }, body)).toBe(false);
    expect(matches({ 'payload.rate': { $gt: '0.12345678901234566' } }, body)).toBe(true);
    expect(matches({ 'payload.big': { $gt: '9007199254740992' } }, body)).toBe(true);
    expect(matches({ 'payload.big': '9007199254740992' }, body)).toBe(false);
  });

  it('Stripe refund: amounts in cents, nested lists, non-ASCII names', () => {
    expect(matches({ 'payload.data.object.amount_refunded': { $gte: 10000 } }, STRIPE_REFUND)).toBe(true);
    expect(matches({ 'payload.data.object.amount_refunded': { $gt: 12000 } }, STRIPE_REFUND)).toBe(false);
    expect(matches({ 'payload.data.object.refunds.data.reason': 'requested_by_customer' }, STRIPE_REFUND)).toBe(true);
    expect(matches({ 'payload.data.object.billing_details.name': 'José Núñez' }, STRIPE_REFUND)).toBe(true);
    expect(
      matches(
        { $or: [{ 'payload.data.object.currency': 'eur' }, { 'payload.data.object.amount': { $lt: 30000 } }] },
        STRIPE_REFUND,
      ),
    ).toBe(true);
  });

  it('WooCommerce order: string total, country in a list, meta data', () => {
    expect(matches({ 'payload.total': { $lt: 60 }, 'payload.billing.country': { $in: ['PL', 'DE'] } }, WOO_ORDER)).toBe(
      true,
    );
    expect(matches({ 'payload.billing.country': { $nin: ['PL'] } }, WOO_ORDER)).toBe(false);
    expect(matches({ 'payload.meta_data': { $elemMatch: { key: '_wc_gift', value: 'yes' } } }, WOO_ORDER)).toBe(true);
    expect(matches({ 'payload.billing.first_name': 'Łukasz' }, WOO_ORDER)).toBe(true);
    expect(matches({ 'payload.line_items.name': { $regex: 'röstung', $options: 'i' } }, WOO_ORDER)).toBe(true);
  });

  it('Square payment: an amount beyond 2^64 and Japanese text', () => {
    const amount = 'payload.data.object.payment.amount_money.amount';
    expect(matches({ [amount]: '123456789012345678901' }, SQUARE_PAYMENT)).toBe(true);
    expect(matches({ [amount]: '123456789012345678900' }, SQUARE_PAYMENT)).toBe(false);
    expect(matches({ [amount]: { $gt: 100 } }, SQUARE_PAYMENT)).toBe(true);
    expect(matches({ 'payload.data.object.payment.note': { $regex: 'お茶' } }, SQUARE_PAYMENT)).toBe(true);
    expect(matches({ 'payload.data.object.payment.status': { $ne: 'COMPLETED' } }, SQUARE_PAYMENT)).toBe(false);
  });

  it('GitHub push: branch, any commit by an author, commit count', () => {
    expect(matches({ 'payload.ref': 'refs/heads/main', 'payload.commits.author.name': 'Søren' }, GITHUB_PUSH)).toBe(
      true,
    );
    expect(matches({ 'payload.commits': { $size: 2 } }, GITHUB_PUSH)).toBe(true);
    expect(matches({ 'payload.commits.author.name': 'Zed' }, GITHUB_PUSH)).toBe(false);
    expect(matches({ 'payload.ref': { $regex: '^refs/tags/' } }, GITHUB_PUSH)).toBe(false);
  });

  it('a missing field, a wrong type or a body that is not JSON is a non-match, never a crash', () => {
    expect(matches({ 'payload.refund.amount': { $gt: 100 } }, STRIPE_REFUND)).toBe(false);
    expect(matches({ 'payload.data.object.amount': { $gt: 'abc' } }, STRIPE_REFUND)).toBe(false);
    expect(matches({ 'payload.data': { $size: 1 } }, STRIPE_REFUND)).toBe(false);
    expect(matches({ 'payload.refund.amount': { $exists: false } }, STRIPE_REFUND)).toBe(true);
    const text = compileConditions({ 'payload.amount': { $gt: 1 } });
    expect(text({ headers: {}, payload: conditionPayload('not json at all', 'not json at all') })).toBe(false);
    expect(text({ headers: {}, payload: null })).toBe(false);
  });
});

describe('conditions are checked on save, with the JSON path of the bad part', () => {
  const base = { id: 'a', events: ['*'], action: { kind: 'script', command: '/bin/true' } };
  const problem = (conditions: unknown) => {
    const r = automationSchema.safeParse({ ...base, conditions });
    return r.success ? null : describeIssues(r.error);
  };

  it('names an unknown operator, $where (it would run text as code) and a field outside the envelope', () => {
    expect(problem({ 'payload.amount': { $gtt: 100 } })).toMatch(
      /^conditions\.payload\.amount\.\$gtt: unknown operator/,
    );
    expect(problem({ 'payload.amount': { $where: 'this.amount > 1' } })).toMatch(
      /^conditions\.payload\.amount\.\$where: unknown operator/,
    );
    expect(problem({ $where: 'true' })).toMatch(/^conditions\.\$where: unknown operator/);
    expect(problem({ 'headers.X-Shopify-Topic': 'orders/create' })).toMatch(
      /^conditions\.headers\.X-Shopify-Topic: header names are kept in lower case; write "headers\.x-shopify-topic"/,
    );
    expect(problem({ 'body.amount': 1 })).toMatch(/^conditions\.body\.amount: a field starts with "payload\."/);
    expect(problem({ $or: [{ 'payload.a': 1 }, { 'payload.b': { $foo: 1 } }] })).toMatch(
      /^conditions\.\$or\[1\]\.payload\.b\.\$foo: unknown operator/,
    );
  });

  it('refuses bad arguments: $in without a list, a broken regex, a number that lost digits in JSON', () => {
    expect(problem({ 'payload.c': { $in: 'NL' } })).toMatch(/^conditions\.payload\.c\.\$in: \$in takes a list/);
    expect(problem({ 'payload.c': { $regex: '(' } })).toMatch(/^conditions\.payload\.c\.\$regex: not a valid regular/);
    expect(problem(JSON.parse('{"payload.id": 820982911946154508}'))).toMatch(
      /^conditions\.payload\.id: .*write it as a string/,
    );
    expect(problem(JSON.parse('{"payload.id": {"$in": [1, 9007199254740993]}}'))).toMatch(
      /^conditions\.payload\.id\.\$in\[1\]: .*write it as a string/,
    );
    expect(problem({ 'payload.amount': { $gt: 100 }, 'headers.x-shopify-topic': 'orders/create' })).toBeNull();
  });

  it('reports the path inside the whole config file', () => {
    const r = configSchema.safeParse({ automations: [{ ...base, conditions: { 'payload.a': { $bad: 1 } } }] });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toMatch(/^automations\[0\]\.conditions\.payload\.a\.\$bad: unknown operator/);
  });

  it('conditionIssues is empty for good conditions', () => {
    expect(conditionIssues({ 'payload.tags': { $all: ['a', 'b'] }, $nor: [{ 'headers.x': 'y' }] })).toEqual([]);
  });
});
