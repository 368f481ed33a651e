// "Ask an AI agent" as an owner meets it, in a real browser against a real
// `hookdock serve` and a local fake chat-completions endpoint: a Shopify order runs
// the agent, the event page's run card shows the model's reply, and the API key is
// masked everywhere the dashboard can see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import type { HookEvent } from '../../shared/types';
import { ensureBuilt } from '../helpers/serve';
import { startFakeChat, type FakeChat } from '../helpers/fake-chat';
import { api, postHook, problemsOf, screenshot, Session, shopifyHeaders, shopifyOrder, waitFor } from './_support';

const SHOP_SECRET = 'shop-secret-agent-e2e';
const API_KEY = 'sk-e2e-agent-key-0123456789';
const app = new Session();
let chat: FakeChat;

beforeAll(async () => {
  await ensureBuilt();
  chat = await startFakeChat();
  chat.reply = 'Dear Zoë, thank you for order #1042. <b>We ship tomorrow.</b>';
  await app.serve({
    sources: [{ id: 'shop', provider: 'shopify', secret: SHOP_SECRET }],
    automations: [
      {
        id: 'ask-agent',
        name: 'Ask my agent to draft a thank-you',
        source: 'shop',
        events: ['orders/create'],
        action: {
          kind: 'agent',
          baseUrl: chat.baseUrl,
          apiKey: API_KEY,
          model: 'llama3.2',
          instructions: 'Draft a thank-you note.',
          message: 'Order {{ payload.name }} by {{ payload.customer.first_name }}',
        },
        retry: { maxAttempts: 1 },
      },
    ],
  });
  await app.open('#/feed');
}, 240_000);

afterAll(async () => {
  await app.close();
  await chat?.close();
}, 60_000);

describe('the agent action in the dashboard', () => {
  it("shows the agent's reply on the event page and never the key", async () => {
    const body = JSON.stringify(shopifyOrder(1042, '59.00', 'Zoë Ørsted'));
    const res = await postHook(app.served, 'shop', body, shopifyHeaders(SHOP_SECRET, body, 'orders/create', 'e-1042'));
    expect(res.status).toBe(200);
    const id = res.json.id!;
    const event = await waitFor(
      async () => {
        const e = await api<HookEvent>(app.served, 'GET', `/api/events/${id}`);
        return e.runs[0]?.status === 'succeeded' ? e : null;
      },
      60_000,
      'the agent run to succeed',
    );
    expect(event.runs[0].attempts[0].kind).toBe('agent');
    expect(chat.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(chat.requests[0].body.messages[1].content).toContain('Order #1042 by Zoë');

    const page = app.page;
    await page.evaluate((h) => (window.location.hash = h), `#/events/${id}`);
    const reply = page.getByLabel('Reply of attempt 1');
    await reply.waitFor();
    expect(await reply.textContent()).toBe(chat.reply);
    expect(await page.locator('.run-card b').count()).toBe(0); // shown as text, never as HTML
    expect(await page.locator('.run-card').first().textContent()).toContain('Answered by llama3.2');
    await screenshot(page, 'agent-reply');

    const config = await api<PublicConfig>(app.served, 'GET', '/api/config');
    expect(JSON.stringify(config)).not.toContain(API_KEY);
    expect(await page.content()).not.toContain(API_KEY);
    expect(problemsOf(page)).toEqual([]);
  });
});
