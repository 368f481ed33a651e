// Pairing links (shared/follow.ts): https anywhere, plain http only to loopback, the token
// in the fragment, and error sentences that never quote the link (it carries the token).
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parsePairingLink } from '../../electron/engine/follow/client/link';

const TOKEN = 'hdf_3qSecretToken123';

describe('parsePairingLink', () => {
  it('splits an https link into the server base and the token', () => {
    expect(parsePairingLink(`https://abc.ngrok.app/#${TOKEN}`)).toEqual({
      server: 'https://abc.ngrok.app',
      token: TOKEN,
    });
    expect(parsePairingLink(` https://vps.example.com:8443/#${TOKEN} `)).toEqual({
      server: 'https://vps.example.com:8443',
      token: TOKEN,
    });
  });

  it('takes plain http only to this computer', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '[::1]']) {
      expect(parsePairingLink(`http://${host}:8790/#${TOKEN}`).server).toBe(`http://${host}:8790`);
    }
    for (const host of ['192.168.1.10', 'example.com', '10.0.0.1', '[::2]', '127.0.0.1.evil.com']) {
      expect(() => parsePairingLink(`http://${host}:8790/#${TOKEN}`)).toThrow(/plain http:\/\/ .* https/);
    }
  });

  it('refuses what is not a pairing link with a sentence that never quotes it', () => {
    const cases: [string, RegExp][] = [
      [`not a link ${TOKEN}`, /That is not a pairing link: copy the whole link/],
      [`ftp://host/#${TOKEN}`, /starts with https:\/\//],
      ['https://abc.ngrok.app/', /lost its token \(the part after #\)/],
      [`https://user:pw@abc.ngrok.app/#${TOKEN}`, /not a pairing link as the server makes them/],
      [`https://abc.ngrok.app/?x=1#${TOKEN}`, /not a pairing link as the server makes them/],
    ];
    for (const [link, why] of cases) {
      let message = '';
      try {
        parsePairingLink(link);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(why);
      expect(message).not.toContain(TOKEN);
    }
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});

describe('the pairing link at rest', () => {
  it('is a secret of the config: encoded by the keychain codec, masked in API answers', async () => {
    const { createSecretsAtRest } = await import('../../electron/engine/config/secrets');
    const { toPublicConfig } = await import('../../electron/engine/config/public');
    const { configSchema } = await import('../../shared/config');
    const link = `https://abc.ngrok.app/#${TOKEN}`;
    const codec = {
      mode: 'os-keychain' as const,
      encode: (p: string) => `enc:${p}`,
      decode: (s: string) => s.slice(4),
    };
    const atRest = createSecretsAtRest(codec);
    const encoded = atRest.encode({ follow: { link } }) as { follow: { link: string } };
    expect(encoded.follow.link).toBe(`enc:${link}`);
    expect((atRest.decode(encoded).raw as { follow: { link: string } }).follow.link).toBe(link);
    const pub = toPublicConfig(configSchema.parse({ follow: { link } }), null);
    expect(pub.follow).toEqual({ link: '••••••••', server: 'https://abc.ngrok.app' });
    expect(JSON.stringify(pub)).not.toContain(TOKEN);
  });
});
