// Shared by the provider tests: builds the ProviderRequest the receiver would.
import type { SourceConfig } from '../../shared/config';
import type { Provider, ProviderResult } from '../../electron/engine/receiver/types';

export const URL_BASE = 'https://abc123.ngrok.app/hooks/';

export function verify(
  provider: Provider,
  source: SourceConfig,
  body: string | Buffer,
  headers: Record<string, string>,
  now: number,
  url = URL_BASE + source.id,
): ProviderResult {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  let payload: unknown = rawBody.toString('utf8');
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    // the raw text, as the receiver does
  }
  return provider.verify({ rawBody, headers: lower, source, url, now }, payload);
}
