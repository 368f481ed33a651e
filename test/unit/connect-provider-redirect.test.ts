// GitHub and Square calls (connect/provider-http.ts) must not follow a redirect: a 307 would
// resend the request, with its token and its body (a webhook's signing secret), to another host.
import { describe, expect, it } from 'vitest';
import { callProvider } from '../../electron/engine/connect/provider-http';
import { ConnectError } from '../../electron/engine/connect/types';
import { httpServersPerTest } from '../helpers/http-servers';

const listen = httpServersPerTest();

describe('provider calls do not follow redirects', () => {
  it('a 307 to another host is refused and the other host gets nothing', async () => {
    let elsewhere = 0;
    const other = await listen((req, res) => {
      elsewhere += 1;
      res.end('{}');
    });
    const api = await listen((req, res) => {
      res.writeHead(307, { location: `${other.replace('127.0.0.1', 'localhost')}/steal` });
      res.end();
    });
    const err = await callProvider({ apiBase: api, credential: 'ghp_secretsecretsecret', fetch }, 'GitHub', {
      method: 'POST',
      url: `${api}/repos/o/r/hooks`,
      headers: { authorization: 'Bearer ghp_secretsecretsecret' },
      body: { config: { secret: 'whsec_signing' } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toMatch(/redirect/);
    expect((err as ConnectError).message).not.toContain('ghp_secret');
    expect(elsewhere).toBe(0);
  });
});
