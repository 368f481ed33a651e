// What a rejected request says to the owner names the source as they named it
// ("My shop"), not its id, in every provider, and a source waiting for its
// secret names the button that fixes it ("Paste its secret" on the Sources page).
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../shared/config';
import { getProvider } from '../../electron/engine/receiver/providers';
import { sampleSources, signedRequest } from '../helpers/sign';
import { URL_BASE, verify } from './providers-helpers';

const named = (s: SourceConfig): SourceConfig => ({ ...s, name: `Named ${s.provider} source` });
/** The same source with another secret of the same shape (Stripe and Standard Webhooks want whsec_). */
const otherSecret = (s: SourceConfig): SourceConfig => ({
  ...s,
  secret: s.secret?.startsWith('whsec_')
    ? 'whsec_' + Buffer.from('another-secret-entirely').toString('base64')
    : 'x-other',
});
const signed = sampleSources().filter((s) => s.provider !== 'none');

describe('a signature that does not match', () => {
  it.each(signed.map((s) => [s.provider, named(s)] as const))('names the %s source by its name', async (_p, source) => {
    const now = Date.now();
    const req = await signedRequest(otherSecret(source), { url: URL_BASE + source.id, now });
    const r = verify(getProvider(source.provider), source, req.body, req.headers, now);
    expect(r.ok).toBe(false);
    expect(r.reason).toContain(`of source "${source.name}"`);
    expect(r.reason).not.toContain(`"${source.id}"`);
  });

  it('falls back to the id for a hand-written source without a name', async () => {
    const source = signed.find((s) => s.provider === 'shopify')!;
    const now = Date.now();
    const req = await signedRequest(otherSecret(source), { now });
    const r = verify(getProvider('shopify'), source, req.body, req.headers, now);
    expect(r.reason).toContain(`of source "${source.id}"`);
  });

  it('names a Standard Webhooks source whose secret is not whsec_ by its name', async () => {
    const good = named(signed.find((s) => s.provider === 'standard-webhooks')!);
    const now = Date.now();
    const req = await signedRequest(good, { now });
    const r = verify(
      getProvider('standard-webhooks'),
      { ...good, secret: 'whsec_not base64!' },
      req.body,
      req.headers,
      now,
    );
    expect(r.reason).toContain(`The signing secret of source "${good.name}" does not look like whsec_`);
  });
});

describe('a source waiting for its signing secret', () => {
  it.each(signed.map((s) => [s.provider, named(s)] as const))(
    'tells the %s owner which button to press, by the name they typed',
    async (_p, source) => {
      const now = Date.now();
      const req = await signedRequest(source, { url: URL_BASE + source.id, now });
      const r = verify(getProvider(source.provider), { ...source, secret: undefined }, req.body, req.headers, now);
      expect(r.ok).toBe(false);
      expect(r.reason).toBe(
        `Source "${source.name}" is waiting for its signing secret: in Hookdock, open Sources and click "Paste its secret" on it, then send the webhook again.`,
      );
    },
  );
});
