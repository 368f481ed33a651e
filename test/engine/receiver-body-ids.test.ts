// Ids read from a JSON body field (Stripe `id`, Square `event_id`) keep their
// exact digits, like the hmac provider's JSON-path ids: JSON.parse rounds
// integers past 2^53, so two different events would otherwise share one
// duplicate key and the second would be answered `duplicate: true` and lost.
// Real engine on port 0, real HTTP, real files.
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir } from '../helpers/tmp';

const STRIPE_SECRET = 'whsec_' + Buffer.from('stripe-body-id-secret-01').toString('base64');
const NOTIFY = 'https://my.domain/hooks/pos';

let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = await makeTempDir();
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      sources: [
        { id: 'payments', provider: 'stripe', secret: STRIPE_SECRET },
        { id: 'pos', provider: 'square', secret: 'sq-key', notificationUrl: NOTIFY },
      ],
      tunnel: { provider: 'none' },
    }),
  );
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), version: '9.9.9-test' });
  await engine.start();
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await removeDir(dir);
});

type Answer = { status: number; json: { id?: string; duplicate?: boolean } };

function post(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${engine.receiverUrl()}${path}`,
      { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Answer['json'] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sendStripe = (digits: string) => {
  const body = `{"id":${digits},"object":"event","type":"charge.succeeded","data":{"object":{"amount":5900}}}`;
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET });
  return post('/hooks/payments', body, { 'Content-Type': 'application/json', 'Stripe-Signature': signature });
};

const sendSquare = (digits: string) => {
  const body = `{"event_id":${digits},"type":"payment.updated","data":{"id":"p1"}}`;
  const signature = createHmac('sha256', 'sq-key').update(NOTIFY).update(body).digest('base64');
  return post('/hooks/pos', body, { 'Content-Type': 'application/json', 'X-Square-Hmacsha256-Signature': signature });
};

describe('body-field ids beyond 2^53 keep their digits', () => {
  for (const [name, send] of [
    ['Stripe id', sendStripe],
    ['Square event_id', sendSquare],
  ] as const) {
    it(`${name}: two ids that are one double are two events; a retry is a duplicate`, async () => {
      // 123456789012345678901 and ...902 are the same IEEE double.
      expect(Number('123456789012345678901')).toBe(Number('123456789012345678902'));
      const a = await send('123456789012345678901');
      const b = await send('123456789012345678902');
      expect(a).toMatchObject({ status: 200, json: { duplicate: false } });
      expect(b).toMatchObject({ status: 200, json: { duplicate: false } });
      expect(b.json.id).not.toBe(a.json.id);
      expect(await send('123456789012345678901')).toEqual({ status: 200, json: { id: a.json.id, duplicate: true } });
      expect((await engine.handlers.getEvent({ id: a.json.id! })).providerEventId).toBe('123456789012345678901');
      expect((await engine.handlers.getEvent({ id: b.json.id! })).providerEventId).toBe('123456789012345678902');
    });
  }
});
