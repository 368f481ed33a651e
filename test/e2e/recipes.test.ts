// The "New automation" recipes in a real browser against a real `hookdock serve`
// (issue #12, section 5): "Notify me of refunds over an amount" for a Stripe source,
// tried on past refunds (one over, one under the amount) before saving, its notification
// title previewed on the newest refund, saved with its conditions; and "Run my own script", whose starter script is written into
// DATA_DIR/scripts and then runs on a stored event.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import type { Run } from '../../shared/types';
import { ensureBuilt } from '../helpers/serve';
import { api, postHook, problemsOf, screenshot, Session, stripeHeaders } from './_support';

const STRIPE_SECRET = 'whsec_recipes_e2e_secret';
const app = new Session();
const ids: { big: string; small: string } = { big: '', small: '' };

/** A Stripe charge.refunded event as Stripe's Events API sends it; amounts in cents. */
function refund(id: string, cents: number): string {
  return JSON.stringify({
    id,
    object: 'event',
    type: 'charge.refunded',
    created: 1_764_000_000,
    data: {
      object: {
        id: `ch_${id}`,
        object: 'charge',
        amount: cents,
        amount_refunded: cents,
        currency: 'eur',
        refunded: true,
      },
    },
  });
}

async function post(id: string, cents: number): Promise<string> {
  const body = refund(id, cents);
  const r = await postHook(app.served, 'payments', body, stripeHeaders(STRIPE_SECRET, body));
  expect(r.status).toBe(200);
  return r.json.id!;
}

beforeAll(async () => {
  await ensureBuilt();
  await app.serve({ sources: [{ id: 'payments', name: 'Payments', provider: 'stripe', secret: STRIPE_SECRET }] });
  ids.small = await post('evt_small_refund', 4_500); // 45.00 EUR
  ids.big = await post('evt_big_refund', 15_000); // 150.00 EUR, the newest
  await app.open('#/automations/new');
}, 240_000);

afterAll(() => app.close(), 60_000);

const config = () => api<PublicConfig>(app.served, 'GET', '/api/config');

describe('recipes', () => {
  it('"Notify me of refunds over an amount": 100 for Stripe, tried on past refunds, saved with its conditions', async () => {
    const page = app.page;
    await page.getByLabel('For which source?').selectOption('payments');
    await page.getByRole('button', { name: /Notify me of refunds over an amount/ }).click();
    await page.getByLabel('Refunds over').fill('100');
    await screenshot(page, 'recipes-pick');
    await page.getByRole('button', { name: 'Continue' }).click();

    // Prefilled: the Stripe refund type, the amount in cents, a notify action.
    expect(await page.getByLabel('Condition 1 field').inputValue()).toBe('payload.data.object.amount_refunded');
    expect(await page.getByLabel('Condition 1 operator').inputValue()).toBe('gt');
    expect(await page.getByLabel('Condition 1 value').inputValue()).toBe('10000');
    expect(await page.getByLabel('Action').inputValue()).toBe('notify');

    // The fields offered come from the real stored refund.
    // (They arrive after the form is shown: await them rather than read too early.)
    const offered = () =>
      page.locator('datalist option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(offered).toContain('payload.data.object.amount_refunded');
    expect(await offered()).toContain('headers.stripe-signature');

    const preview = page.locator('.condition-preview [role="status"]');
    const picker = page.locator('.condition-preview select');
    expect(await picker.inputValue()).toBe(ids.big);
    await expect.poll(() => preview.innerText()).toBe('Yes — this event would run it.');
    await picker.selectOption(ids.small);
    await expect.poll(() => preview.innerText()).toBe('No — this event would not run it.');
    // The preview follows edits: at 40 the small refund matches too.
    await page.getByLabel('Condition 1 value').fill('4000');
    await expect.poll(() => preview.innerText()).toBe('Yes — this event would run it.');
    await page.getByLabel('Condition 1 value').fill('10000');
    await expect.poll(() => preview.innerText()).toBe('No — this event would not run it.');
    // The notify title is previewed, rendered by the engine, on the stored refund picked above
    // (45.00 EUR), then on the newest one (150.00 EUR) when that is picked.
    const titlePreview = page.locator('.kind-fields .template-preview').first();
    const titleText = () => titlePreview.locator('.template-preview-text').innerText();
    await expect.poll(titleText).toBe('Refund: 45.00 EUR');
    expect(await titlePreview.locator('.field-hint').innerText()).toMatch(/^On the event of .+ \(Refund of €45\.00/);
    await picker.selectOption(ids.big);
    await expect.poll(titleText).toBe('Refund: 150.00 EUR');
    expect(await titlePreview.locator('.field-hint').innerText()).toMatch(/^On the event of .+ \(Refund of €150\.00/);
    await screenshot(page, 'recipes-refund-form');
    await page.setViewportSize({ width: 720, height: 900 });
    await screenshot(page, 'recipes-refund-form-720');
    await page.setViewportSize({ width: 1360, height: 860 });

    await page.getByRole('button', { name: 'Create automation' }).click();
    await page.getByRole('heading', { name: 'Refunds over 100' }).waitFor();
    const saved = (await config()).automations.find((a) => a.name === 'Refunds over 100');
    expect(saved).toMatchObject({
      source: 'payments',
      events: ['charge.refunded'],
      conditions: { 'payload.data.object.amount_refunded': { $gt: 10000 } },
      action: { kind: 'notify' },
    });
    await page.evaluate(() => (window.location.hash = '#/automations'));
    await page.getByText('Refunds over 100').first().waitFor();
    expect(problemsOf(page)).toEqual([]);
  });

  it('"Run my own script" writes a starter script that then runs on a stored event', async () => {
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/automations/new'));
    await page.getByLabel('For which source?').selectOption('payments');
    await page.getByRole('button', { name: /Run my own script/ }).click();
    await page.getByLabel('Language').selectOption('node');
    await page.getByRole('button', { name: 'Create the starter script' }).click();
    const path = join(app.served.dataDir, 'scripts', 'my-automation.js');
    await page.getByText(path).waitFor();
    expect(await page.getByLabel('Script').inputValue()).toBe(path);
    expect(await readFile(path, 'utf8')).toMatch(/process\.stdin/);
    await screenshot(page, 'recipes-starter');
    await page.getByLabel('Name').fill('My starter');
    await page.getByRole('button', { name: 'Create automation' }).click();
    await page.getByRole('heading', { name: 'My starter' }).waitFor();

    const auto = (await config()).automations.find((a) => a.name === 'My starter')!;
    expect(auto.action).toMatchObject({ kind: 'script', command: path });
    const run = await api<Run>(app.served, 'POST', `/api/automations/${auto.id}/test-run`, { eventId: ids.big });
    expect(run.status).toBe('succeeded');
    expect(run.attempts.at(-1)?.stdout).toContain(`Got charge.refunded from payments (event ${ids.big})`);
    expect(problemsOf(page)).toEqual([]);
  });
});
