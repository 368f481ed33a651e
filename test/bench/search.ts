// Search benchmark: the feed's search box over 100,000 stored events whose
// payloads are realistic Shopify orders (each with a full-size search text).
// Prints p50/p95 per query of a mix an owner would type (an email, a name, a
// product, an order number, an amount, and words found nowhere: a full scan),
// and what the search texts cost in memory, at ingest and at open.
// (Figures on the shared 2-core machine vary with its load, printed first.)
// Run: node --expose-gc --import tsx test/bench/search.ts
import os from 'node:os';
import { EventIndex, PENDING, toSummary } from '../../electron/engine/store/event-index';
import { searchTextOf } from '../../electron/engine/store/search-text';
import { summarize } from '../../shared/summary';
import { shopifyOrder } from '../fixtures/payloads';
import { makeEvent } from '../engine/store-helpers';

const STORED = 100_000;
const FIRST = ['María', 'Jane', 'Kenji', 'Siobhán', 'Jürgen', 'Ana', 'Omar', 'Li'];
const LAST = ['García', 'Doe', 'Yamada', "O'Neill", 'Müller', 'Lopez', 'Haddad', 'Wei'];
const PRODUCTS = ['mug', 'tea towel', 'candle', 'notebook', 'tote bag', 'poster'];

function payload(i: number): object {
  const first = FIRST[i % FIRST.length];
  const last = LAST[(i >> 3) % LAST.length];
  const email = `${first.toLowerCase()}.${i}@example.com`;
  return {
    ...shopifyOrder,
    id: 5_500_000_000_000 + i,
    name: `#${1000 + i}`,
    order_number: 1000 + i,
    email,
    total_price: ((i % 9000) / 100 + 5).toFixed(2),
    customer: { id: 7000 + i, email, first_name: first, last_name: last, note: 'x'.repeat(200) },
    billing_address: {
      first_name: first,
      last_name: last,
      address1: `${i} High Street`,
      city: 'Leeds',
      zip: 'LS1 4AP',
    },
    line_items: [0, 1, 2].map((k) => ({
      id: i * 10 + k,
      title: `${PRODUCTS[(i + k) % PRODUCTS.length]} (size ${k})`,
      sku: `SKU-${i}-${k}`,
      price: '19.50',
      vendor: 'Hookdock test shop',
    })),
  };
}

console.log(
  `machine load average: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`,
);
const index = new EventIndex();
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const buildStart = performance.now();
let textChars = 0;
for (let i = 0; i < STORED; i++) {
  const p = payload(i);
  const e = makeEvent(i, {
    id: `evt_${String(i).padStart(8, '0')}`,
    summary: summarize('shopify', 'orders/create', p),
    payload: p,
    body: { text: '' },
  });
  const text = searchTextOf(e);
  textChars += text.length;
  index.add(toSummary(e), PENDING, true, text);
}
const buildMs = performance.now() - buildStart;
index.finishBulk();
// The blocks open() schedules in the background, built here at once to time them.
const blocksStart = performance.now();
(index as unknown as { search: { extend(): void } }).search.extend();
const blocksMs = performance.now() - blocksStart;
global.gc?.();
const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 1e6;

const QUERIES = [
  'maria.96@example.com',
  'Müller',
  'tote bag',
  '#1042',
  '59.00',
  'no such customer',
  'jane mug',
  'ls1 4ap',
];
const times: number[] = [];
const perQuery = new Map<string, number>();
for (let round = 0; round < 5; round++) {
  for (const q of QUERIES) {
    const t = performance.now();
    const page = index.list({ q, limit: 50 });
    const ms = performance.now() - t;
    times.push(ms);
    perQuery.set(q, Math.max(perQuery.get(q) ?? 0, ms));
    if (round === 0 && q !== 'no such customer' && !page.items.length) throw new Error(`nothing found for ${q}`);
  }
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(1);
console.log(
  `search over ${STORED} events: p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${times.at(-1)!.toFixed(1)} ms (${times.length} queries, first page of 50)`,
);
console.log(`worst per query: ${[...perQuery].map(([q, ms]) => `"${q}" ${ms.toFixed(1)} ms`).join(', ')}`);
console.log(
  `search texts: average ${Math.round(textChars / STORED)} chars/event, index heap ~${Math.round(heapMB)} MB for ${STORED} events; built at ${((buildMs * 1000) / STORED).toFixed(0)} us/event (summary + text) at ingest; search blocks (built in the background after open) ${Math.round(blocksMs)} ms`,
);
