// The two small pages the dashboard serves itself: "open the printed link"
// (no token) and "the UI is not built". Self-contained and data-free; their one
// inline <style> is allowed by its hash, so the CSP still has no 'unsafe-inline'.
import { createHash } from 'node:crypto';
import { CONTENT_SECURITY_POLICY } from './guard';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}' +
  'h1{font-size:1.4rem}code{background:#f0f2f4;padding:.1rem .3rem;border-radius:4px}';
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The page CSP: the dashboard's own, plus the hash of this file's inline style. */
export const PAGE_CSP = CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' ${STYLE_HASH}`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><h1>${title}</h1>${body}</body></html>
`;
}

export const NEED_TOKEN_PAGE = page(
  'Hookdock needs your access link',
  '<p>Open the link printed by <code>hookdock serve</code> (it carries your access token).</p>' +
    '<p>The token is also kept in the file <code>dashboard-token</code> in Hookdock\u2019s data folder.</p>',
);

export const NOT_BUILT_PAGE = page(
  'Hookdock is running',
  '<p>The dashboard UI is not built yet, so there is nothing to show here.</p>' +
    '<p>Run <code>npm run build</code>, then reload this page. The API under <code>/api</code> works already.</p>',
);
