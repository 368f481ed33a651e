// The pure parts of the GitHub and Square connectors: provider errors turned into sentences that
// never carry the token (even when the provider echoes it), Link paging, which GitHub deliveries
// are asked for again, and the names the owner's picks become.
import { describe, expect, it } from 'vitest';
import { githubError, githubTarget, nextLink } from '../../electron/engine/connect/github-api';
import { githubEventNames } from '../../electron/engine/connect/github';
import { recoverGithub, toRedeliver, type GithubDelivery } from '../../electron/engine/connect/github-recover';
import { scopesFor, squareError } from '../../electron/engine/connect/square-api';
import type { ApiAnswer } from '../../electron/engine/connect/provider-http';
import type { ConnectorContext } from '../../electron/engine/connect/types';

const TOKEN = 'ghp_0123456789abcdefSECRET';
const ctx: ConnectorContext = { apiBase: 'https://api.github.com', credential: TOKEN, account: 'octo/shop', fetch };
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer => ({
  status,
  headers: new Headers(headers),
  text: JSON.stringify(body),
});

describe('provider errors never carry the token', () => {
  it('GitHub: a message that echoes the token is quoted without it', () => {
    for (const status of [400, 403, 422, 500]) {
      const err = githubError(
        answer(status, { message: `bad header Bearer ${TOKEN}` }),
        ctx,
        githubTarget('octo/shop'),
        'hooks',
        0,
      );
      expect(err.message).not.toContain(TOKEN);
      expect(err.message).toContain('[your token]');
    }
  });

  it('Square: a detail that echoes the token is quoted without it', () => {
    for (const [status, code] of [
      [400, 'INVALID_VALUE'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [500, 'INTERNAL_SERVER_ERROR'],
    ] as const) {
      const err = squareError(
        answer(status, { errors: [{ category: 'X', code, detail: `token ${TOKEN} rejected` }] }),
        { ...ctx, account: undefined },
        [],
        0,
      );
      expect(err.message).not.toContain(TOKEN);
    }
  });

  it('GitHub: 403 without a rate-limit sign is forbidden; with remaining 0 it is rate-limited until the reset', () => {
    const target = githubTarget('octo/shop');
    expect(githubError(answer(403, { message: 'Resource not accessible' }), ctx, target, 'hooks', 0).kind).toBe(
      'forbidden',
    );
    const limited = githubError(
      answer(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000' },
      ),
      ctx,
      target,
      'hooks',
      400_000,
    );
    expect(limited.kind).toBe('rate-limited');
    expect(limited.retryAfterMs).toBe(600_000);
    const secondary = githubError(
      answer(429, { message: 'You have exceeded a secondary rate limit' }),
      ctx,
      target,
      'hooks',
      0,
    );
    expect(secondary.retryAfterMs).toBe(60_000);
  });
});

describe('GitHub paging and redelivery choice', () => {
  it('reads rel="next" among other relations', () => {
    expect(
      nextLink('<https://api.github.com/x?cursor=a>; rel="prev", <https://api.github.com/x?cursor=b>; rel="next"'),
    ).toBe('https://api.github.com/x?cursor=b');
    expect(nextLink('<https://api.github.com/x?cursor=a>; rel="prev"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });

  it('picks failed deliveries in [from, to) without a success of the same GUID, the latest attempt of each', () => {
    const d = (id: number, guid: string, at: number, status_code: number): GithubDelivery => ({
      id,
      guid,
      delivered_at: new Date(at).toISOString(),
      redelivery: false,
      status_code,
      event: 'push',
      action: null,
    });
    const picked = toRedeliver(
      [
        d(1, 'a', 100_000, 500),
        d(2, 'a', 200_000, 0),
        d(3, 'b', 150_000, 302),
        d(4, 'c', 160_000, 404),
        d(5, 'c', 900_000, 204),
        d(6, 'd', 1_000_000, 500),
        d(7, 'e', 1_000, 500),
      ],
      50_000,
      1_000_000,
    );
    expect(picked.map((x) => x.id)).toEqual([3, 2]);
  });
});

describe('the token goes to the API host only', () => {
  it('a Link next page on another host is not followed', async () => {
    const asked: string[] = [];
    const fakeFetch = (async (url: string) => {
      asked.push(url);
      const item = {
        id: 1,
        guid: 'g',
        delivered_at: new Date().toISOString(),
        redelivery: false,
        status_code: 200,
        event: 'push',
        action: null,
      };
      return new Response(JSON.stringify([item]), {
        status: 200,
        headers: { link: '<https://evil.example/repos/octo/shop/hooks/1/deliveries?cursor=x>; rel="next"' },
      });
    }) as unknown as typeof fetch;
    const now = Date.now();
    const result = await recoverGithub(
      { ...ctx, fetch: fakeFetch },
      githubTarget('octo/shop'),
      { id: '1', url: 'https://a.example/hooks/code', events: ['push'], enabled: true },
      { from: now - 1000, to: now },
      { now: () => now, timeoutMs: 5000 },
    );
    expect(asked).toEqual(['https://api.github.com/repos/octo/shop/hooks/1/deliveries?per_page=100']);
    expect(result.notes).toEqual([expect.stringContaining('https://evil.example')]);
  });
});

describe('what the owner picks becomes', () => {
  it('GitHub event names: the action dropped, each once', () => {
    expect(githubEventNames(['pull_request.opened', 'pull_request.closed', 'push', ' issues.opened '])).toEqual([
      'pull_request',
      'push',
      'issues',
    ]);
  });

  it('Square permissions for event types, each once', () => {
    expect(scopesFor(['payment.created', 'refund.updated', 'order.created', 'something.else'])).toEqual([
      'PAYMENTS_READ',
      'ORDERS_READ',
    ]);
  });
});
