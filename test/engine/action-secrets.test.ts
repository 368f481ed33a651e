// Action secrets (a forward's signing secret, an SMTP password) are kept like other secrets,
// on real files: encoded on disk through the host's codec, masked in the public config
// (GET /api/config), and a masked value saved back by the UI keeps the stored one.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_MASK, type AutomationConfig } from '../../shared/config';
import { createConfigService, toPublicConfig } from '../../electron/engine/config';
import { mapSecretFields } from '../../electron/engine/config/secrets';
import { createConfigHandlers } from '../../electron/engine/handlers/config';
import type { HandlerContext } from '../../electron/engine/handlers/context';
import type { ConfigService, SecretCodec } from '../../electron/engine/types';
import { createBus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir } from '../helpers/tmp';

const FORWARD_SECRET = 'whsec_' + Buffer.from('forward-action-signing-secret').toString('base64');
const SMTP_PASSWORD = 'smtp-password-Ünïcode-42';
const PREFIX = 'test-enc:';

/** A reversible AES-GCM codec standing in for the keychain. */
function aesCodec(key = randomBytes(32)): SecretCodec {
  return {
    mode: 'os-keychain',
    encode(plain: string) {
      if (!plain || plain.startsWith(PREFIX)) return plain;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    decode(stored: string) {
      if (!stored.startsWith(PREFIX)) return stored;
      const buf = Buffer.from(stored.slice(PREFIX.length), 'base64');
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const automations = [
  {
    id: 'to-agent',
    source: '*',
    events: ['*'],
    action: {
      kind: 'forward',
      url: 'https://agent.example/hook',
      secret: FORWARD_SECRET,
      headers: ['X-Shopify-Topic'],
    },
  },
  {
    id: 'mail-me',
    source: '*',
    events: ['*'],
    action: {
      kind: 'email',
      smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'me', password: SMTP_PASSWORD },
      from: 'me@example.com',
      to: 'me@example.com',
      subject: 'New {{ type }}',
      body: '{{ payload.id }}',
    },
  },
];

let dir: string;
let svc: ConfigService | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-action-secrets-');
});
afterEach(async () => {
  await svc?.stop();
  svc = undefined;
  await removeDir(dir);
});

describe('action secrets', () => {
  it('are found at their JSON paths', () => {
    const paths: string[] = [];
    mapSecretFields({ automations }, (v, p) => (paths.push(p), v));
    expect(paths).toEqual(['automations[0].action.secret', 'automations[1].action.smtp.password']);
  });

  it('are encoded on disk, masked in the public config, and kept when the mask is saved back', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ automations, tunnel: { provider: 'none' } }));
    svc = createConfigService({ dataDir: dir, bus: createBus(), logger: memoryLogger(), secretCodec: aesCodec() });
    await svc.start();
    const handlers = createConfigHandlers({
      config: svc,
      tunnel: () => ({ publicUrl: () => null }),
      receiverUrl: () => 'http://127.0.0.1:8787',
    } as unknown as HandlerContext);

    // GET /api/config: set secrets show as the mask, never in clear.
    const shown = await handlers.getConfig(undefined as never);
    const text = JSON.stringify(shown);
    expect(text).not.toContain(FORWARD_SECRET);
    expect(text).not.toContain(SMTP_PASSWORD);
    const [fwd, mail] = shown.automations as AutomationConfig[];
    expect(fwd.action).toMatchObject({ kind: 'forward', secret: SECRET_MASK });
    expect(mail.action).toMatchObject({ kind: 'email', smtp: { password: SECRET_MASK, user: 'me' } });
    expect(toPublicConfig(svc.current(), null).automations[1]).toEqual(mail);

    // The UI saves the automations back as it got them (masked), with an edit elsewhere.
    await handlers.saveAutomation({ ...fwd, name: 'Forward to my agent' } as never);
    await handlers.saveAutomation({ ...mail, action: { ...mail.action, subject: 'Order {{ payload.id }}' } } as never);
    const [f, m] = svc.current().automations;
    expect(f.name).toBe('Forward to my agent');
    expect(f.action).toMatchObject({ kind: 'forward', secret: FORWARD_SECRET });
    expect(m.action).toMatchObject({
      kind: 'email',
      subject: 'Order {{ payload.id }}',
      smtp: { password: SMTP_PASSWORD },
    });

    // On disk: encoded by the codec, not in clear.
    const disk = await readFile(join(dir, 'config.json'), 'utf8');
    expect(disk).not.toContain(FORWARD_SECRET);
    expect(disk).not.toContain(SMTP_PASSWORD);
    expect(disk.split(PREFIX).length - 1).toBeGreaterThanOrEqual(2);

    // A new password typed in replaces the stored one.
    await handlers.saveAutomation({
      ...mail,
      action: { ...mail.action, smtp: { ...(mail.action as { smtp: object }).smtp, password: 'a-new-password' } },
    } as never);
    expect(svc.current().automations[1].action).toMatchObject({ smtp: { password: 'a-new-password' } });
  });
});
