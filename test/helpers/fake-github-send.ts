// How the fake GitHub (fake-github.ts) really posts a delivery, as GitHub does
// (docs.github.com "Webhook events and payloads", "Validating webhook deliveries"):
// JSON body, X-GitHub-Event, X-GitHub-Delivery (the GUID, kept by a redelivery),
// X-GitHub-Hook-ID, and X-Hub-Signature-256 = sha256=<hex HMAC-SHA256 of the body
// with the hook's secret>. Answers the HTTP status GitHub would record, 0 when the
// connection failed.
import { createHmac } from 'node:crypto';

export interface FakeGithubPayload {
  guid: string;
  event: string;
  action: string | null;
  body: string;
}

export async function postDelivery(
  hook: { id: number; config: { url: string; secret?: string } },
  p: FakeGithubPayload,
): Promise<number> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/fake',
    'x-github-event': p.event,
    'x-github-delivery': p.guid,
    'x-github-hook-id': String(hook.id),
  };
  if (hook.config.secret) {
    headers['x-hub-signature-256'] = 'sha256=' + createHmac('sha256', hook.config.secret).update(p.body).digest('hex');
  }
  try {
    const res = await fetch(hook.config.url, { method: 'POST', headers, body: p.body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
