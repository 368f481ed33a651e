// Hookdock killed after Stripe created the endpoint and before it saved the endpoint's id: on
// restart it creates again. The endpoint left behind (its secret was shown once and is lost)
// must not stay and pile up, each sending every event again with a signature that fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stripeConnector } from '../../electron/engine/connect/stripe';
import type { ConnectorContext } from '../../electron/engine/connect/types';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe';

const KEY = 'rk_test_' + 'StaleEndpoint0123456789ab';
const URL_ = 'https://hooks.example/hooks/payments';
let fake: FakeStripe;

beforeEach(async () => {
  fake = await startFakeStripe();
  fake.addKey(KEY, { webhookEndpoints: 'write', events: 'read' });
});
afterEach(async () => {
  await fake.close();
});

describe('Stripe connector: an endpoint left by a run that stopped', () => {
  it('is replaced, not added to', async () => {
    const ctx: ConnectorContext = { apiBase: fake.url, credential: KEY, fetch };
    const req = { url: URL_, events: ['charge.succeeded'], secret: 'unused' };
    await stripeConnector.create(ctx, req);
    // The run died here; the restart creates again.
    const again = await stripeConnector.create(ctx, req);
    expect(fake.endpoints.size).toBe(1);
    expect([...fake.endpoints.keys()]).toEqual([again.subscription.id]);
  });

  it("leaves other URLs' endpoints alone", async () => {
    const ctx: ConnectorContext = { apiBase: fake.url, credential: KEY, fetch };
    await stripeConnector.create(ctx, { url: `${URL_}-other`, events: ['charge.succeeded'], secret: 'x' });
    await stripeConnector.create(ctx, { url: URL_, events: ['charge.succeeded'], secret: 'x' });
    expect(fake.endpoints.size).toBe(2);
  });
});
