// GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 of the raw body.
// The type is the X-GitHub-Event header plus ".action" when the body has one
// ("pull_request.opened"), so automations can pick actions apart.
import { randomUUID } from 'node:crypto';
import type { Provider } from '../types';
import { accepted, bodyField, digestsEqual, fromHex, header, hmac, mismatch, rejected, requireSignature } from './util';

const HEADER = 'X-Hub-Signature-256';

export const github: Provider = {
  id: 'github',
  label: 'GitHub',
  jsonBody: true,
  verify(req, payload) {
    const event = header(req, 'X-GitHub-Event');
    const action = bodyField(payload, 'action');
    const type = event ? (action ? `${event}.${action}` : event) : 'unknown';
    const eventId = header(req, 'X-GitHub-Delivery');
    const signed = requireSignature(req, HEADER, 'GitHub', ' (Set a secret in the GitHub webhook settings.)');
    if ('problem' in signed) return rejected(signed.problem, type, eventId);
    const { signature } = signed;
    const hex = signature.startsWith('sha256=') ? signature.slice('sha256='.length) : null;
    const expected = hmac('sha256', signed.secret, req.rawBody);
    if (!hex || !digestsEqual(expected, fromHex(hex))) {
      return rejected(mismatch('GitHub', 'webhook secret', req.source), type, eventId);
    }
    return accepted(type, eventId);
  },
  sample(source, _url, now) {
    const sha = randomUUID().replace(/-/g, '') + '00000000';
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: sha,
      created: false,
      deleted: false,
      forced: false,
      repository: { id: 1296269, name: 'hello-world', full_name: 'octocat/hello-world', private: false },
      pusher: { name: 'octocat', email: 'octocat@example.com' },
      sender: { login: 'octocat', id: 1, type: 'User' },
      head_commit: { id: sha, message: 'Fix the order total rounding', timestamp: new Date(now).toISOString() },
      commits: [
        { id: sha, message: 'Fix the order total rounding', author: { name: 'The Octocat', username: 'octocat' } },
      ],
    });
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/sample',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-github-hook-id': '123456',
        'x-hub-signature-256': 'sha256=' + hmac('sha256', source.secret ?? '', body).toString('hex'),
      },
      body,
    };
  },
};
