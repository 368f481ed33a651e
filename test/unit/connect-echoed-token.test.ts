// A provider (or a proxy in front of it) that echoes the request in its error body must not carry
// the owner's credential into a Hookdock sentence: not whole, not one half of a key:secret pair,
// not as the Basic header's base64, and not cut in two at the end of a shortened message.
import { describe, expect, it } from 'vitest';
import { githubError, githubTarget } from '../../electron/engine/connect/github-api';
import { shopifyGraphql } from '../../electron/engine/connect/shopify-api';
import { wooRequest } from '../../electron/engine/connect/woocommerce-api';
import { ConnectError, type ConnectorContext } from '../../electron/engine/connect/types';

const CK = 'ck_0123456789abcdef0123456789abcdef01234567';
const CS = 'cs_fedcba9876543210fedcba9876543210fedcba98';
const SHPAT = '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';
const GHP = 'ghp_0123456789abcdefSECRETSECRETSECRET';

function answering(status: number, body: unknown): typeof fetch {
  return (() => Promise.resolve(new Response(JSON.stringify(body), { status }))) as typeof fetch;
}

async function errorOf(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectError);
  return err as ConnectError;
}

describe('echoed credentials are not quoted', () => {
  it('WooCommerce: a 400 echoing the key pair, one half, or the Basic header', async () => {
    const credential = `${CK}:${CS}`;
    const basic = Buffer.from(credential).toString('base64');
    for (const echo of [credential, `key ${CK}`, `secret=${CS}`, `Authorization: Basic ${basic}`]) {
      const ctx: ConnectorContext = {
        apiBase: 'https://shop.example',
        credential,
        account: 'https://shop.example',
        fetch: answering(400, { code: 'rest_invalid_param', message: `Invalid request: ${echo}` }),
      };
      const err = await errorOf(wooRequest(ctx, 'POST', '/webhooks', { topic: 'order.created' }));
      for (const secret of [CK, CS, basic]) expect(err.message).not.toContain(secret);
      expect(err.message).toContain('[your token]');
    }
  });

  it('Shopify: GraphQL errors echoing the access token', async () => {
    const ctx: ConnectorContext = {
      apiBase: 'https://my-shop.myshopify.com',
      credential: SHPAT,
      account: 'my-shop.myshopify.com',
      fetch: answering(200, { errors: [{ message: `Invalid header X-Shopify-Access-Token: ${SHPAT}` }] }),
    };
    const err = await errorOf(shopifyGraphql(ctx, 'query { shop { id } }', {}));
    expect(err.message).not.toContain(SHPAT);
    expect(err.message).not.toContain(SHPAT.slice(0, 12));
    expect(err.message).toContain('[your token]');
  });

  it('GitHub: a token across the cut of a long message leaves no half behind', () => {
    const ctx: ConnectorContext = { apiBase: 'https://api.github.com', credential: GHP, account: 'o/r', fetch };
    const message = `${'x'.repeat(290)} ${GHP}`;
    const err = githubError(
      { status: 422, headers: new Headers(), text: JSON.stringify({ message }) },
      ctx,
      githubTarget('o/r'),
      'hooks',
      0,
    );
    expect(err.message).not.toContain(GHP.slice(0, 9));
  });
});
