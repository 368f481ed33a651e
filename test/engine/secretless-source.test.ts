// A source can be added before its signing secret exists (Stripe, Shopify and
// Square show it only after an endpoint with the URL is made): every request
// is then refused 401 "waiting for its signing secret" and kept as rejected,
// and once the secret is pasted the provider's next delivery is accepted.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir } from '../helpers/tmp';

let dir: string;
let engine: Engine | null = null;
const signed = sampleSources().filter((s) => s.provider !== 'none');

beforeEach(async () => {
  dir = await makeTempDir();
  const secretless = signed.map(({ secret: _secret, ...s }) => ({ ...s, name: `My ${s.provider}` }));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ sources: secretless, tunnel: { provider: 'none' } }));
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await removeDir(dir);
});

describe('a source waiting for its signing secret', () => {
  it('rejects every request with that reason, stores it as rejected, and accepts once the secret is pasted', async () => {
    engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), version: 'test' });
    await engine.start();
    const e = engine;
    const config = await e.handlers.getConfig({});
    for (const s of config.sources) expect(s.hasSecret, s.id).toBe(false);

    for (const source of signed) {
      const res = await postHook(e.receiverUrl(), source.id, await signedRequest(source));
      expect(res.status, source.provider).toBe(401);
      expect(res.json.error?.message, source.provider).toContain('is waiting for its signing secret');
      expect(res.json.error?.message).toContain(`My ${source.provider}`);
      const stored = await e.handlers.listEvents({ source: source.id, limit: 5 });
      expect(
        stored.items.map((i) => i.status),
        source.provider,
      ).toEqual(['rejected']);
      expect(stored.items[0].verification.reason).toContain('waiting for its signing secret');
      expect(JSON.stringify(stored.items[0])).not.toContain(source.secret);
    }

    for (const source of signed) {
      await e.handlers.saveSource({ ...source, name: `My ${source.provider}` });
      const url = `${e.receiverUrl()}/hooks/${source.id}`;
      const res = await postHook(e.receiverUrl(), source.id, await signedRequest(source, { url }));
      expect(res.status, source.provider).toBe(200);
    }
    const after = await e.handlers.getConfig({});
    for (const s of after.sources) expect(s.hasSecret, s.id).toBe(true);
  });
});
