// A public URL the owner provides (their own tunnel or reverse proxy): with it,
// Hookdock needs no ngrok. The webhook URLs shown, Square's signed URL base
// (receiver/app.ts) and the reachability probe all read TunnelService.publicUrl(),
// so overriding that one method is enough.
import type { TunnelService } from '../types';

/**
 * Checks an owner-provided public URL: absolute http: or https:, no query or
 * fragment (webhook paths are appended to it). Returns it without trailing
 * slashes; throws an Error whose message says what to fix (`name` is the flag
 * or variable the person used).
 */
export function parsePublicUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`${name} must be a full URL such as https://hooks.example.com, not "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${name} must start with https:// (or http://), not "${url.protocol}".`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`${name} must not carry a query, a fragment or a password; give only the address.`);
  }
  return url.href.replace(/\/+$/, '');
}

/** The tunnel service, but its public URL is always `url` (the tunnel itself stays off). */
export function withOwnerPublicUrl(tunnel: TunnelService, url: string): TunnelService {
  return { ...tunnel, publicUrl: () => url };
}
