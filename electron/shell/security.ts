// The one place the desktop window's security is decided (STYLE.md, "The
// Electron boundary"). The trust checks are pure functions (tested in
// test/electron/security.test.ts); the hardening functions take the Electron
// objects they change as parameters, so main.ts hands in the real ones and
// tests hand in fakes.
import path from 'node:path';
import type {
  App,
  HandlerDetails,
  Session,
  Shell,
  WebContents,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';

/** The renderer is served from app://hookdock/, never from file:// or http://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hookdock';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * No 'unsafe-inline' anywhere, no eval, nothing from the network: the renderer
 * talks to the engine over IPC only. React sets styles through the CSSOM,
 * which style-src does not govern, so the UI needs nothing inline.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "worker-src 'none'",
].join('; ');

/** Every window's webPreferences: isolated, sandboxed, no Node, no webviews. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for our own renderer's pages: app://hookdock/... and nothing else. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
}

/** Links we hand to the OS browser: http(s) only, no credentials in the URL. */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) return false;
  return !!u.hostname && !u.username && !u.password;
}

/**
 * Permissions the renderer may get: only writing to the clipboard from our own
 * page (the UI's "Copy URL" buttons). Camera, mic, location, notifications
 * (main raises those natively), HID, serial... are all denied.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl);
}

/**
 * Maps app://hookdock/<path> to a file under `root`, or null when the request
 * is not ours or would leave `root` (../, encoded %2e%2e, backslashes,
 * absolute paths, NUL bytes). Routes without a file extension get the SPA entry.
 */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  const u = parse(requestUrl);
  if (!u || !isAppUrl(requestUrl)) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel.split('/').some((seg) => seg === '..')) return null;
  if (rel === '/' || rel === '' || !path.posix.extname(rel)) rel = '/index.html';
  const base = path.resolve(root);
  const full = path.resolve(base, '.' + path.posix.normalize(rel));
  if (full !== base && !full.startsWith(base + path.sep)) return null;
  return full;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The app:// protocol handler: files of the renderer build, each answered with
 * the CSP header. `readFile` is injected (fs.promises.readFile in main).
 */
export function createAppProtocolHandler(
  root: string,
  readFile: (file: string) => Promise<Uint8Array>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers });
    const file = resolveAppPath(root, request.url);
    if (!file) return new Response('Not found', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : (body as BodyInit), {
        status: 200,
        headers: { ...headers, 'Content-Type': mimeType(file) },
      });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  };
}

/** Scheme privileges; must be registered before app 'ready'. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // corsEnabled: vite emits <script type="module" crossorigin>, a CORS-mode request even same-origin.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

/** New windows are never opened; http(s) links go to the OS browser. */
export function windowOpenDecision(
  details: Pick<HandlerDetails, 'url'>,
  openExternal: (url: string) => void,
): WindowOpenHandlerResponse {
  if (isSafeExternalUrl(details.url)) openExternal(details.url);
  return { action: 'deny' };
}

type ShellLike = Pick<Shell, 'openExternal'>;
type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Applied to every webContents: no navigation, no redirects, no new windows, no webviews. */
export function hardenWebContents(contents: HardenableContents, shell: ShellLike): void {
  const openExternal = (url: string) => void shell.openExternal(url).catch(() => undefined);
  contents.setWindowOpenHandler((details) => windowOpenDecision(details, openExternal));
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (isSafeExternalUrl(url)) openExternal(url);
  });
  contents.on('will-frame-navigate', (event) => {
    // In-page route changes (history API) do not navigate; anything that does is refused.
    if (!event.isMainFrame || !isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

type SessionLike = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/** Permissions denied by default (see isPermissionAllowed). */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? contents.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin + '/'),
  );
  session.setDevicePermissionHandler(() => false);
}

/** Every webContents the app ever creates gets hardened, including ones we did not create ourselves. */
export function hardenApp(app: Pick<App, 'on'>, shell: ShellLike): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));
}
