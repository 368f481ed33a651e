// Search finds what an owner types (name, email, order number, amount, product),
// anywhere in a verified event's payload, newest first; a rejected request is
// found by its reason and type only. Summaries say who an event was for.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../shared/summary';
import type { ProviderId } from '../../shared/types';
import { EventIndex, PENDING, toSummary } from '../../electron/engine/store/event-index';
import { foldText, LEAF_MAX, SEARCH_TEXT_MAX, searchTextOf } from '../../electron/engine/store/search-text';
import type { StoredEvent } from '../../electron/engine/store/types';
import { makeEvent } from '../engine/store-helpers';
import * as P from '../fixtures/payloads';

const CASES: { provider: ProviderId; type: string; payload: unknown; summary: string; finds: string[] }[] = [
  {
    provider: 'shopify',
    type: 'orders/create',
    payload: P.shopifyOrder,
    summary: 'Order #1042 — €59.00 — María García',
    finds: ['maria@example.com', 'Maria', 'María', 'GARCÍA', 'mug', '1042', '59.00', 'maria mug', 'Sevilla'],
  },
  {
    provider: 'stripe',
    type: 'charge.succeeded',
    payload: P.stripeCharge,
    summary: 'Payment of €59.00 — María García — maria@example.com — Order #1042',
    finds: ['maria@example.com', 'maria', 'garcia', '#1042', '59.00', '4242'],
  },
  {
    provider: 'stripe',
    type: 'charge.refunded',
    payload: P.stripeChargeRefunded,
    summary: 'Refund of €12.50 — Jürgen Müller — jurgen@example.de',
    finds: ['müller', 'muller', 'Jürgen', 'jurgen@example.de', '12.50'],
  },
  {
    provider: 'stripe',
    type: 'refund.created',
    payload: P.stripeRefund,
    summary: 'Refund of €12.50 — ch_3Pq2def',
    finds: ['ch_3pq2def', '12.50'],
  },
  {
    provider: 'stripe',
    type: 'checkout.session.completed',
    payload: P.stripeCheckout,
    summary: 'Checkout of $30.00 — Zoë Lee — zoe@example.com',
    finds: ['zoe', 'Zoë Lee', '30.00'],
  },
  {
    provider: 'woocommerce',
    type: 'order.created',
    payload: P.wooOrder,
    summary: "Order #727 — £42.50 — Siobhán O'Neill",
    finds: ['siobhan@example.ie', 'siobhan', "o'neill", 'tea towel', '42.50', '727'],
  },
  {
    provider: 'square',
    type: 'payment.updated',
    payload: P.squarePayment,
    summary: 'Payment of $25.00 — completed — 健二 山田 — kenji@example.jp',
    finds: ['kenji@example.jp', '山田', 'espresso', '25.00'],
  },
  {
    provider: 'github',
    type: 'push',
    payload: P.githubPush,
    summary: 'push to main by octocat',
    finds: ['octocat', 'checkout button', 'acme/shop-theme'],
  },
];

function eventOf(i: number, c: (typeof CASES)[number], over: Partial<StoredEvent> = {}): StoredEvent {
  const text = JSON.stringify(c.payload);
  return makeEvent(i, {
    provider: c.provider,
    source: c.provider,
    type: c.type,
    providerEventId: `pe-${i}`,
    summary: summarize(c.provider, c.type, c.payload),
    body: { text },
    payload: c.payload,
    receivedAt: new Date(Date.UTC(2026, 10, 29, 10, i)).toISOString(),
    ...over,
  });
}

function indexOf(events: StoredEvent[]): EventIndex {
  const index = new EventIndex();
  for (const e of events) index.add(toSummary(e), PENDING, false, searchTextOf(e));
  return index;
}

describe('summaries say who it was for', () => {
  for (const c of CASES) {
    it(`${c.provider} ${c.type}`, () => {
      expect(summarize(c.provider, c.type, c.payload)).toBe(c.summary);
    });
  }
});

describe('search', () => {
  for (const [i, c] of CASES.entries()) {
    it(`finds a ${c.provider} ${c.type} by what an owner would type`, () => {
      const others = CASES.filter((o) => o !== c).map((o, j) => eventOf(100 + j, o));
      const target = eventOf(i, c);
      const index = indexOf([...others, target]);
      for (const q of c.finds) {
        const ids = index.list({ q, limit: 50 }).items.map((s) => s.id);
        expect(ids, q).toContain(target.id);
      }
    });
  }

  it('lists matches newest first and needs every word', () => {
    const older = eventOf(1, CASES[0]);
    const newer = eventOf(2, CASES[1]);
    const other = eventOf(3, CASES[5]);
    const index = indexOf([newer, other, older]);
    expect(index.list({ q: 'maria@example.com', limit: 50 }).items.map((s) => s.id)).toEqual([newer.id, older.id]);
    expect(index.list({ q: 'maria mug', limit: 50 }).items.map((s) => s.id)).toEqual([older.id]);
    expect(index.list({ q: 'maria towel', limit: 50 }).items).toEqual([]);
  });

  it('searches a rejected request by its reason and type, never by its unverified payload', () => {
    const rejected = eventOf(1, CASES[0], {
      status: 'rejected',
      verification: { ok: false, reason: 'The signature does not match the secret' },
    });
    const index = indexOf([rejected]);
    expect(index.list({ q: 'maria', limit: 50 }).items).toEqual([]);
    expect(index.list({ q: 'mug', limit: 50 }).items).toEqual([]);
    expect(index.list({ q: 'signature does not match', limit: 50 }).items.map((s) => s.id)).toEqual([rejected.id]);
    expect(index.list({ q: 'orders/create', limit: 50 }).items.map((s) => s.id)).toEqual([rejected.id]);
  });

  it('keeps the search text bounded and leaves out links and graph ids', () => {
    const big = {
      ...P.shopifyOrder,
      note: 'n'.repeat(10_000),
      items: Array.from({ length: 500 }, (_, k) => `item ${k}`),
    };
    const text = searchTextOf(eventOf(1, { ...CASES[0], payload: big }));
    expect(text.length).toBeLessThanOrEqual(SEARCH_TEXT_MAX);
    expect(text).toContain('maria@example.com');
    expect(text).not.toContain('https://');
    expect(text).not.toContain('gid://');
  });

  it('keeps each leaf once, however many there are, comparing leaves as clipped', () => {
    // 40 distinct leaves (past the few compared one by one), each repeated, and two long
    // notes that differ only after the LEAF_MAX characters kept of a leaf.
    const payload = {
      a: Array.from({ length: 40 }, (_, k) => `sku-${k}`),
      b: Array.from({ length: 40 }, (_, k) => `sku-${k}`),
      c: ['Müller', 'müller ', 'MÜLLER'],
      n1: 'a'.repeat(LEAF_MAX) + 'one',
      n2: 'a'.repeat(LEAF_MAX) + 'two',
      total: 59,
      again: '59',
    };
    const text = searchTextOf(eventOf(1, { ...CASES[0], payload }));
    const words = text.split(' ');
    for (let k = 0; k < 40; k++) expect(words.filter((w) => w === `sku-${k}`)).toHaveLength(1);
    expect(words.filter((w) => w === 'a'.repeat(LEAF_MAX))).toHaveLength(1);
    expect(words.filter((w) => w === '59')).toHaveLength(1);
    // Folded after: the three spellings are three leaves, all found as "muller".
    expect(words.filter((w) => w === 'muller')).toHaveLength(3);
  });

  it('turns typographic punctuation and currency signs into spaces, in texts and queries alike', () => {
    expect(foldText('Order #1042 — €59.00 – “María” García…')).toBe('order #1042    59.00    maria  garcia ');
    const e = eventOf(1, CASES[0]); // its summary: "Order #1042 — €59.00 — María García"
    expect(searchTextOf(e)).not.toMatch(/[—€]/);
    const index = indexOf([e]);
    for (const q of ['€59.00', '59.00', '#1042 — €59.00', 'García…'])
      expect(index.list({ q, limit: 5 }).items.map((s) => s.id)).toEqual([e.id]);
  });

  it('finds a word anywhere in a customer note of a few sentences, and never half a word', () => {
    const note =
      'Please leave the parcel with the neighbour at number 12 if nobody answers the door. ' +
      'It is a birthday present, so no invoice in the box please. Gift wrap in blue if you have it, ' +
      'and add a card saying: happy birthday from all of us, love, grandma. Code word: marmalade sandwich.';
    expect(note.length).toBeGreaterThan(LEAF_MAX);
    const e = eventOf(1, { ...CASES[0], payload: { ...(P.shopifyOrder as object), note } });
    const index = indexOf([e]);
    for (const q of ['neighbour', 'invoice', 'grandma', 'blue gift'])
      expect(index.list({ q, limit: 5 }).items.map((s) => s.id)).toEqual([e.id]);
    // Past the first LEAF_MAX characters: left out whole, not cut to "mar".
    const text = searchTextOf(e);
    expect(text).not.toMatch(/\bmar$|\bmar /);
    expect(text).toContain('grandma.');
  });

  it('keeps a 40-item order whole, to its shipping line', () => {
    const items = Array.from({ length: 40 }, (_, k) => ({
      title: `Ceramic item ${k}`,
      sku: `SKU-${k}`,
      price: '9.50',
    }));
    const payload = { ...(P.shopifyOrder as object), line_items: items, shipping_lines: [{ title: 'Envío estándar' }] };
    const e = eventOf(1, { ...CASES[0], payload });
    expect(
      indexOf([e])
        .list({ q: 'envio estandar', limit: 5 })
        .items.map((s) => s.id),
    ).toEqual([e.id]);
    expect(
      indexOf([e])
        .list({ q: 'sku-39', limit: 5 })
        .items.map((s) => s.id),
    ).toEqual([e.id]);
  });

  it('folds letters that have no separate accent as people type them', () => {
    expect(foldText('Tromsø Łódź Bjørn Ødegaard Straße Æble Œuvre Þór Đorđe')).toBe(
      'tromso lodz bjorn odegaard strasse aeble oeuvre thor dorde',
    );
  });

  it('searches a body that is not JSON as text', () => {
    const e = makeEvent(1, {
      provider: 'none',
      payload: 'name=Ana+Lopez&item=mug',
      body: { text: 'name=Ana+Lopez&item=mug' },
    });
    expect(indexOf([e]).list({ q: 'ana+lopez', limit: 5 }).items).toHaveLength(1);
  });

  it('gives the same pages once the texts are joined into blocks, with cursors and filters', () => {
    const events = Array.from({ length: 2600 }, (_, i) =>
      eventOf(i, CASES[i % CASES.length], { id: `evt_${String(i).padStart(6, '0')}`, source: i % 2 ? 'a' : 'b' }),
    );
    const index = indexOf(events);
    const pages = (q: string, source?: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = index.list({ q, source, limit: 100, cursor });
        ids.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const expected = (q: string, source?: string) =>
      events
        .filter((e) => (!source || e.source === source) && searchTextOf(e).includes(q))
        .map((e) => e.id)
        .reverse();
    const before = [pages('maria'), pages('octocat', 'a'), pages('12.50', 'b')];
    (index as unknown as { search: { extend(): void } }).search.extend();
    expect([pages('maria'), pages('octocat', 'a'), pages('12.50', 'b')]).toEqual(before);
    expect(before).toEqual([expected('maria'), expected('octocat', 'a'), expected('12.50', 'b')]);
    expect(before[0].length).toBeGreaterThan(600);
    // A new event after the blocks is found first.
    const newest = eventOf(9999, CASES[0], { id: 'evt_999999' });
    index.add(toSummary(newest), PENDING, false, searchTextOf(newest));
    expect(index.list({ q: 'maria', limit: 1 }).items[0].id).toBe(newest.id);
  });
});
