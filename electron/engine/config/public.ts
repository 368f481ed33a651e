// The config as it leaves the engine (UI, dashboard API): no secret in clear.
import type { PublicConfig } from '../../../shared/api';
import { SECRET_MASK, type Config } from '../../../shared/config';

/** The URL a provider must post to for this source. */
export function webhookUrl(baseUrl: string, sourceId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/hooks/${encodeURIComponent(sourceId)}`;
}

/**
 * baseUrl: the public (tunnel) URL when online, else the local receiver URL.
 * secretsStorage: how the config service keeps secrets at rest, for the UI to say so.
 */
export function toPublicConfig(
  config: Config,
  baseUrl: string | null,
  secretsStorage: PublicConfig['secretsStorage'] = 'plain-file',
): PublicConfig {
  return {
    ...config,
    secretsStorage,
    sources: config.sources.map((s) => ({
      ...s,
      secret: s.secret ? SECRET_MASK : undefined,
      hasSecret: Boolean(s.secret),
      webhookUrl: baseUrl ? webhookUrl(baseUrl, s.id) : null,
    })),
    automations: config.automations.map((a) =>
      a.action.kind === 'agent' && a.action.apiKey ? { ...a, action: { ...a.action, apiKey: SECRET_MASK } } : a,
    ),
    destinations: config.destinations.map((d) => ({ ...d, secret: SECRET_MASK, hasSecret: Boolean(d.secret) })),
    tunnel: {
      ...config.tunnel,
      authtoken: config.tunnel.authtoken ? SECRET_MASK : null,
      hasAuthtoken: Boolean(config.tunnel.authtoken),
    },
  };
}
