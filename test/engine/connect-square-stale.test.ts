// Hookdock killed after Square created the subscription and before it saved the id: on restart it
// creates again. The one left behind (its signature key lost) must not stay and pile up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSquareConnector } from '../../electron/engine/connect/square';
import type { ConnectorContext } from '../../electron/engine/connect/types';
import { startFakeSquare, type FakeSquare } from '../helpers/fake-square';

const TOKEN = 'EAAAl-personal-access-token-stale-0123456789';
const URL_ = 'https://me.ngrok.app/hooks/pos';
let sq: FakeSquare;

beforeEach(async () => {
  sq = await startFakeSquare();
  sq.tokens.set(TOKEN, { missingScopes: [] });
});
afterEach(async () => {
  await sq.close();
});

describe('Square connector: a subscription left by a run that stopped', () => {
  it('is replaced, not added to; other URLs are left alone', async () => {
    const ctx: ConnectorContext = { apiBase: sq.baseUrl, credential: TOKEN, fetch };
    const connector = createSquareConnector();
    const req = { url: URL_, events: ['payment.created'], secret: 'unused' };
    await connector.create(ctx, { ...req, url: 'https://me.ngrok.app/hooks/other' });
    await connector.create(ctx, req);
    // The run died here; the restart creates again.
    const again = await connector.create(ctx, req);
    const atUrl = [...sq.subscriptions.values()].filter((s) => s.notification_url === URL_);
    expect(atUrl.map((s) => s.id)).toEqual([again.subscription.id]);
    expect(sq.subscriptions.size).toBe(2);
  });
});
