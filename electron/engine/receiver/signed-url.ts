// The URLs a sender that signs its target URL (Square) may have signed. Square
// signs "the notification URL" exactly as registered, and posts to that very
// URL, so the path and query of the request as received are what it signed
// (a subscription ending in `/hooks/pos/`, or carrying `?shop=1`, included).
// The scheme and host are not in the request as seen behind a tunnel, so they
// come from the source's notificationUrl, else the public URL.

/**
 * `url`: the request's path and query as received on the origin of the source's
 * `notificationUrl` (else `publicBase`); `otherUrls`: the configured URL as
 * written (or `publicBase` + `/hooks/<id>`), and the received path on the public
 * origin when that differs. `requestPath` is the raw request target ("/hooks/pos/?a=1").
 */
export function signedUrls(
  source: { id: string; notificationUrl?: string | null },
  requestPath: string,
  publicBase: string,
): { url: string; otherUrls: string[] } {
  const base = publicBase.replace(/\/+$/, '');
  const configured = source.notificationUrl ?? `${base}/hooks/${source.id}`;
  const path = requestPath.startsWith('/') ? requestPath : `/${requestPath}`;
  const origins = [originOf(configured), originOf(base)].filter((o): o is string => o !== null);
  const candidates = [...origins.map((o) => o + path), configured];
  const unique = [...new Set(candidates)];
  return { url: unique[0]!, otherUrls: unique.slice(1) };
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}
