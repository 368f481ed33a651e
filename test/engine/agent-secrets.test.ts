// An agent action's API key is a secret like a source's: masked in the API
// (GET /api/config's handler), kept when the mask comes back on save, replaced by
// a newly typed key, encoded at rest through the host's codec, and never in a log.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/config';
import type { AutomationConfig } from '../../shared/api';
import { createEngine } from '../../electron/engine/engine';
import type { Engine, SecretCodec } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir } from '../helpers/tmp';

const KEY = 'sk-agent-secret-key-9876543210';
const PREFIX = 'test-enc:';
/** A reversible stand-in for the OS keychain (base64 behind a prefix is enough to tell encoded from plain). */
const codec: SecretCodec = {
  mode: 'os-keychain',
  encode: (plain) => (plain.startsWith(PREFIX) ? plain : PREFIX + Buffer.from(plain).toString('base64')),
  decode: (stored) =>
    stored.startsWith(PREFIX) ? Buffer.from(stored.slice(PREFIX.length), 'base64').toString('utf8') : stored,
};

let dir: string;
let engine: Engine | null = null;
const logger = memoryLogger();

const automation = {
  id: 'ask-agent',
  name: 'Ask my agent',
  enabled: true,
  source: '*',
  events: ['*'],
  action: {
    kind: 'agent',
    baseUrl: 'http://127.0.0.1:11434/v1',
    apiKey: KEY,
    model: 'llama3.2',
    instructions: 'Summarise.',
    message: '{{ payload | json }}',
    timeoutSeconds: 60,
  },
};

beforeEach(async () => {
  dir = await makeTempDir('hookdock-agent-secrets-');
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ automations: [automation], tunnel: { provider: 'none' } }),
  );
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await removeDir(dir);
});

const agentAction = (a: AutomationConfig | undefined) => a?.action as { apiKey?: string } | undefined;

describe("an agent action's API key", () => {
  it('is masked in the API, kept when the mask comes back, replaced when typed, and encoded on disk', async () => {
    engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger, version: 'test', secretCodec: codec });
    await engine.start();
    const e = engine;

    const shown = await e.handlers.getConfig({});
    expect(agentAction(shown.automations[0])?.apiKey).toBe(SECRET_MASK);
    expect(JSON.stringify(shown)).not.toContain(KEY);
    // The hand-written plain key was saved again encoded.
    expect(await readFile(join(dir, 'config.json'), 'utf8')).not.toContain(KEY);

    const afterSave = await e.handlers.saveAutomation({ ...shown.automations[0], name: 'Renamed' });
    expect(JSON.stringify(afterSave)).not.toContain(KEY);
    const kept = e.config.current().automations[0].action as { apiKey?: string };
    expect(kept.apiKey).toBe(KEY);

    const NEW_KEY = 'sk-a-new-key-typed-by-the-owner';
    await e.handlers.saveAutomation({
      ...shown.automations[0],
      action: { ...shown.automations[0].action, apiKey: NEW_KEY } as AutomationConfig['action'],
    });
    expect((e.config.current().automations[0].action as { apiKey?: string }).apiKey).toBe(NEW_KEY);
    const onDisk = await readFile(join(dir, 'config.json'), 'utf8');
    expect(onDisk).not.toContain(NEW_KEY);
    expect(onDisk).toContain(PREFIX);

    const { apiKey: _dropped, ...noKey } = shown.automations[0].action as Record<string, unknown>;
    await e.handlers.saveAutomation({ ...shown.automations[0], action: noKey as AutomationConfig['action'] });
    expect((e.config.current().automations[0].action as { apiKey?: string }).apiKey).toBeUndefined();

    expect(logger.lines.join('\n')).not.toContain(KEY);
    expect(logger.lines.join('\n')).not.toContain(NEW_KEY);
  });
});
