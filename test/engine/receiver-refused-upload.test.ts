// A sender that posts a body over the limit without `Expect: 100-continue` is
// still writing when the 413 is sent. Closing at once reset the connection and
// Node's http client and curl reported a broken pipe (EPIPE, curl exit 55)
// instead of the 413. Now the answer is followed by a lingering close. A real
// `hookdock serve` on port 0 (a separate process, as senders meet it), real HTTP
// with Node's client and with curl.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';

let dir: string;
let serve: ServeProcess;
const LIMIT = 1024 * 1024;

beforeAll(async () => {
  dir = await makeTempDir();
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      sources: [{ id: 'shop', provider: 'shopify', secret: 'shop-secret' }],
      tunnel: { provider: 'none' },
      limits: { maxBodyBytes: LIMIT },
    }),
  );
  await ensureBuilt();
  serve = await startServe(dir);
}, 240_000);

afterAll(async () => {
  await serve?.stop();
  await removeDir(dir);
});

function postWithNode(body: Buffer): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(
      `${serve.receiverUrl}/hooks/shop`,
      { method: 'POST', headers: { 'Content-Length': body.length, 'X-Shopify-Hmac-Sha256': 'AAAA' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(body);
  });
}

describe('a body over the limit sent without Expect: 100-continue', () => {
  it("gets its 413 through Node's http client, every time", async () => {
    const body = Buffer.alloc(12 * LIMIT, 97);
    for (let i = 0; i < 5; i++) {
      const answer = await postWithNode(body);
      expect(answer).toMatchObject({ status: 413 });
      expect((answer as { text: string }).text).toContain('limits.maxBodyBytes');
    }
  });

  it('gets its 413 through curl', async () => {
    const file = join(dir, 'big.bin');
    await writeFile(file, Buffer.alloc(12 * LIMIT, 97));
    const curl = spawn('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Expect:',
      '--data-binary',
      `@${file}`,
      `${serve.receiverUrl}/hooks/shop`,
    ]);
    let out = '';
    curl.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((ok) => curl.once('exit', ok));
    expect({ code, out }).toEqual({ code: 0, out: '413' });
  });
});
