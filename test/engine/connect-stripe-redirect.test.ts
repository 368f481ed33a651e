// The Stripe SDK path must not follow a redirect either: the request (and its key) goes only to
// the API base Hookdock was given.
import { describe, expect, it } from 'vitest';
import { stripeConnector } from '../../electron/engine/connect/stripe';
import { ConnectError } from '../../electron/engine/connect/types';
import { httpServersPerTest } from '../helpers/http-servers';

const listen = httpServersPerTest();

describe('Stripe: redirects are not followed', () => {
  it('a 307 from the API base sends nothing to the other host', async () => {
    let elsewhere = 0;
    const other = await listen((_req, res) => {
      elsewhere += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"we_1","object":"webhook_endpoint","url":"https://x","enabled_events":[],"status":"enabled"}');
    });
    const api = await listen((req, res) => {
      res.writeHead(307, { location: `${other}${req.url}` });
      res.end();
    });
    const err = await stripeConnector
      .create(
        { apiBase: api, credential: 'rk_test_redirectRedirect0123', fetch },
        { url: 'https://hooks.example/hooks/p', events: ['charge.succeeded'], secret: 'x' },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).not.toContain('rk_test_redirect');
    expect(elsewhere).toBe(0);
  });
});
