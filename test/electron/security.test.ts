// Trust checks of electron/shell/security.ts: pure functions, plus the
// hardening functions against fakes of webContents, session and app.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY,
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  isPermissionAllowed,
  isSafeExternalUrl,
  resolveAppPath,
  secureWebPreferences,
  windowOpenDecision,
} from '../../electron/shell/security';

describe('trust checks', () => {
  it('recognises only our own app:// pages', () => {
    expect(isAppUrl('app://hookdock/index.html')).toBe(true);
    expect(isAppUrl('app://hookdock/events/evt_1')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('app://hookdock.evil.com/index.html')).toBe(false);
    expect(isAppUrl('app://user:pw@hookdock/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('http://hookdock/index.html')).toBe(false);
    expect(isAppUrl('https://127.0.0.1:8788/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });

  it('sends only http(s) links without credentials to the OS browser', () => {
    expect(isSafeExternalUrl('https://dashboard.stripe.com/webhooks')).toBe(true);
    expect(isSafeExternalUrl('http://example.com')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'data:text/html,<script>1</script>',
      'app://hookdock/index.html',
      'https://user:pass@example.com/',
      'not a url',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('denies every permission but clipboard writes from our own page', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://hookdock/index.html')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'serial',
      'unknown',
    ]) {
      expect(isPermissionAllowed(p, 'app://hookdock/index.html'), p).toBe(false);
    }
  });

  it('maps app:// paths under the renderer root and refuses traversal', () => {
    const root = path.resolve('/srv/renderer');
    expect(resolveAppPath(root, 'app://hookdock/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://hookdock/assets/app-1a2b.js')).toBe(path.join(root, 'assets', 'app-1a2b.js'));
    // SPA routes (no extension) get the entry page.
    expect(resolveAppPath(root, 'app://hookdock/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://hookdock/events/evt_1')).toBe(path.join(root, 'index.html'));
    // Dot segments written plainly are resolved by the URL parser itself: they stay inside root.
    for (const url of [
      'app://hookdock/../../etc/passwd',
      'app://hookdock/a/../../../../etc/hosts.txt',
      'app://hookdock/%2e%2e/%2e%2e/etc/passwd.txt',
    ]) {
      const file = resolveAppPath(root, url);
      expect(file === null || file.startsWith(root + path.sep), url).toBe(true);
    }
    expect(resolveAppPath(root, 'app://hookdock/a/../../../../etc/hosts.txt')).toBe(
      path.join(root, 'etc', 'hosts.txt'),
    );
    // Encoded slashes survive the parser; the guard refuses them.
    for (const url of [
      'app://hookdock/assets/%2e%2e%2f%2e%2e%2fsecret.json',
      'app://hookdock/..%5c..%5csecret.json',
      'app://hookdock/a%00.js',
      'app://hookdock/%E0%A4%A.js',
      'app://other/index.html',
      'file:///srv/renderer/index.html',
    ]) {
      expect(resolveAppPath(root, url), url).toBeNull();
    }
  });

  it('has a strict CSP: no unsafe-inline, no eval, nothing remote', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/frame-ancestors 'none'/);
  });

  it('builds isolated, sandboxed webPreferences without Node or webviews', () => {
    const prefs = secureWebPreferences('/x/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });
});

describe('app:// protocol handler', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'hookdock-proto-'));
    root = path.join(base, 'renderer');
    outside = path.join(base, 'secret.json');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(outside, '{"secret":"whsec_leak"}');
  });
  afterAll(async () => rm(path.dirname(root), { recursive: true, force: true }));

  it('serves renderer files with the CSP header and the right type', async () => {
    const handle = createAppProtocolHandler(root, (f) => readFile(f));
    const res = await handle(new Request('app://hookdock/assets/app.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toBe('console.log(1)');
    const page = await handle(new Request(APP_ENTRY));
    expect(await page.text()).toContain('id="root"');
  });

  it('never serves a file outside the renderer build', async () => {
    const handle = createAppProtocolHandler(root, (f) => readFile(f));
    for (const url of [
      'app://hookdock/../secret.json',
      'app://hookdock/%2e%2e/secret.json',
      'app://hookdock/%2e%2e%2fsecret.json',
    ]) {
      const res = await handle(new Request(url));
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('whsec_leak');
    }
    const missing = await handle(new Request('app://hookdock/assets/missing.js'));
    expect(missing.status).toBe(404);
    const post = await handle(new Request('app://hookdock/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });
});

type Listener = (...args: unknown[]) => void;
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((d: { url: string }) => unknown) | null = null;
  return {
    listeners,
    open: (url: string) => openHandler!({ url }),
    on(name: string, fn: Listener) {
      listeners.set(name, fn);
      return this;
    },
    setWindowOpenHandler(fn: (d: { url: string }) => unknown) {
      openHandler = fn;
    },
  };
}
const fakeEvent = (extra: Record<string, unknown> = {}) => {
  const e = { prevented: false, preventDefault: () => (e.prevented = true), ...extra };
  return e;
};

describe('hardening', () => {
  it('denies navigation, redirects, webviews and new windows; opens safe links outside', async () => {
    const opened: string[] = [];
    const contents = fakeContents();
    hardenWebContents(contents as never, { openExternal: async (u: string) => void opened.push(u) } as never);

    const nav = fakeEvent();
    contents.listeners.get('will-navigate')!(nav, 'https://evil.example/phish');
    expect(nav.prevented).toBe(true);
    const navFile = fakeEvent();
    contents.listeners.get('will-navigate')!(navFile, 'file:///etc/passwd');
    expect(navFile.prevented).toBe(true);

    for (const name of ['will-redirect', 'will-attach-webview']) {
      const e = fakeEvent();
      contents.listeners.get(name)!(e);
      expect(e.prevented, name).toBe(true);
    }
    const sub = fakeEvent({ isMainFrame: false, url: 'app://hookdock/index.html' });
    contents.listeners.get('will-frame-navigate')!(sub);
    expect(sub.prevented).toBe(true);

    expect(contents.open('https://docs.stripe.com/webhooks')).toEqual({ action: 'deny' });
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(windowOpenDecision({ url: 'javascript:alert(1)' }, (u) => opened.push(u))).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(opened).toEqual(['https://evil.example/phish', 'https://docs.stripe.com/webhooks']);
  });

  it('answers permission requests and checks with a deny by default', () => {
    let request: ((...a: unknown[]) => void) | null = null;
    let check: ((...a: unknown[]) => boolean) | null = null;
    let device: (() => boolean) | null = null;
    hardenSession({
      setPermissionRequestHandler: (fn: never) => (request = fn),
      setPermissionCheckHandler: (fn: never) => (check = fn),
      setDevicePermissionHandler: (fn: never) => (device = fn),
    } as never);
    const answers: boolean[] = [];
    const contents = { getURL: () => 'app://hookdock/index.html' };
    request!(contents, 'media', (ok: boolean) => answers.push(ok), { requestingUrl: 'app://hookdock/index.html' });
    request!(contents, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'app://hookdock/index.html',
    });
    request!(contents, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'https://evil.example/',
    });
    expect(answers).toEqual([false, true, false]);
    expect(check!(null, 'geolocation', 'app://hookdock', {})).toBe(false);
    expect(check!(null, 'clipboard-sanitized-write', 'app://hookdock', {})).toBe(true);
    expect(device!()).toBe(false);
  });
});
