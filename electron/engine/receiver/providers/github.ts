// GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 of the raw body.
// The type is the X-GitHub-Event header plus ".action" when the body has one
// ("pull_request.opened"), so automations can pick actions apart.
//
// Formats (docs.github.com "Creating webhooks", content type): application/json,
// or application/x-www-form-urlencoded with the JSON in the `payload` field; the
// signature covers the raw bytes either way (receiver/formats.ts reads the field).
//
// Legacy `X-Hub-Signature: sha1=<hex>`: GitHub sends it next to the SHA-256 one
// "for backward compatibility" and recommends the SHA-256 one. It is checked
// only when X-Hub-Signature-256 is absent (GitHub Enterprise Server before 3.0,
// Gitea/Gogs-style senders); HMAC-SHA1 is not forgeable without the secret, and
// the event carries a warning asking for the SHA-256 header.
//
// Duplicates: X-GitHub-Delivery is one GUID per event, shared by every webhook
// that subscribes to it, and kept by a redelivery. The key is that GUID with
// X-GitHub-Hook-ID (one per webhook; a redelivery keeps it), or with the body
// hash when a sender leaves the hook id out.
import { randomUUID } from 'node:crypto';
import type { Provider } from '../types';
import { dedupeKeyOf } from './dedupe-key';
import { bodyField, digestsEqual, fromHex, header, hmac, mismatch, rejected, requireSignature } from './util';

const HEADER = 'X-Hub-Signature-256';
const LEGACY_HEADER = 'X-Hub-Signature';

export const LEGACY_SHA1_WARNING =
  'Signed with the legacy SHA-1 header X-Hub-Signature only: accepted, but update the sender so it also sends X-Hub-Signature-256.';

export const github: Provider = {
  id: 'github',
  label: 'GitHub',
  jsonBody: true,
  formPayloadField: 'payload',
  verify(req, payload) {
    const event = header(req, 'X-GitHub-Event');
    const action = bodyField(payload, 'action', req.rawBody);
    const type = event ? (action ? `${event}.${action}` : event) : 'unknown';
    const eventId = header(req, 'X-GitHub-Delivery');
    const legacy = !header(req, HEADER) ? header(req, LEGACY_HEADER) : null;
    const signed = requireSignature(
      req,
      legacy ? LEGACY_HEADER : HEADER,
      'GitHub',
      ' (Set a secret in the GitHub webhook settings.)',
    );
    if ('problem' in signed) return rejected(signed.problem, type, eventId);
    const { signature } = signed;
    const prefix = legacy ? 'sha1=' : 'sha256=';
    const hex = signature.startsWith(prefix) ? signature.slice(prefix.length) : null;
    const expected = hmac(legacy ? 'sha1' : 'sha256', signed.secret, req.rawBody);
    if (!hex || !digestsEqual(expected, fromHex(hex))) {
      return rejected(mismatch('GitHub', 'webhook secret', req.source), type, eventId);
    }
    const hookId = header(req, 'X-GitHub-Hook-ID');
    const key = eventId
      ? hookId
        ? dedupeKeyOf([eventId, `hook ${hookId}`])
        : dedupeKeyOf([eventId], req.rawBody)
      : null;
    return {
      ok: true,
      reason: legacy ? LEGACY_SHA1_WARNING : null,
      type,
      providerEventId: eventId,
      ...(key ? { dedupeKey: key } : {}),
    };
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
