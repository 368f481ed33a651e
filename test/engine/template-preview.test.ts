// previewTemplate over real HTTP: the dashboard server on port 0 serving the template handler
// over a real store in a temp dir, previewing templates on a stored Shopify order.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ApiHandlers } from '../../shared/api';
import { createDashboardServer } from '../../electron/engine/dashboard';
import { createStore } from '../../electron/engine/store';
import type { Store } from '../../electron/engine/store/types';
import { createTemplateHandlers } from '../../electron/engine/templates/handlers';
import { createBus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { storedEvent } from './automations-harness';

const TOKEN = 'preview-token-0123456789abcdefghijklmnop';
let dir: string;
let store: Store;
let stop: () => Promise<void>;
let base: string;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-preview-');
  store = createStore({ dataDir: dir, logger: memoryLogger() });
  await store.open();
  const handlers = createTemplateHandlers({ store }) as ApiHandlers;
  const d = createDashboardServer({ handlers, bus: createBus(), token: TOKEN, port: 0, logger: memoryLogger() });
  const { port } = await d.start();
  base = `http://127.0.0.1:${port}`;
  stop = () => d.stop();
});
afterEach(async () => {
  await stop();
  await store.close();
  await removeDir(dir);
});

const preview = async (template: string, eventId: string) => {
  const res = await fetch(`${base}/api/templates/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ template, eventId }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

it('renders on a past event with big ids intact; a broken template or unknown event says what to fix', async () => {
  const text = '{"id":820982911946154508,"total_price":"199.5","customer":{"first_name":"Zoë"}}';
  const { id } = await store.appendEvent(
    storedEvent({
      source: 'shop',
      provider: 'shopify',
      type: 'orders/create',
      body: { text },
      payload: JSON.parse(text),
    }),
  );
  expect(
    await preview(
      'Order {{ payload.id }} from {{ payload.customer.first_name }}: {{ payload.total_price | money: "EUR" }}',
      id,
    ),
  ).toEqual({
    status: 200,
    body: { text: 'Order 820982911946154508 from Zoë: €199.50', problem: null },
  });
  const broken = await preview('{{ payload.id | shout }}', id);
  expect(broken.status).toBe(200);
  expect(broken.body.text).toBeNull();
  expect(broken.body.problem).toMatch(/^this template does not work: undefined filter: shout\./);
  const missing = await preview('{{ id }}', 'evt_nope');
  expect(missing.status).toBe(404);
  expect(JSON.stringify(missing.body)).toMatch(/That event was not found\./);
});
