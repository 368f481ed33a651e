// The config as it leaves the engine (UI, dashboard API): no secret in clear.
import type { PublicConfig } from '../../../shared/api';
import { mapActionSecrets, type ActionConfig } from '../../../shared/actions';
import { SECRET_MASK, type Config } from '../../../shared/config';
import type { ManagedStatus } from '../../../shared/connect';
import { parsePairingLink } from '../follow/client/link';

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
  /** The Connect manager's view of each connected source (engine/connect/manager.ts). */
  managed: (sourceId: string) => ManagedStatus | null = () => null,
): PublicConfig {
  return {
    ...config,
    secretsStorage,
    sources: config.sources.map((s) => ({
      ...s,
      secret: s.secret ? SECRET_MASK : undefined,
      hasSecret: Boolean(s.secret),
      webhookUrl: baseUrl ? webhookUrl(baseUrl, s.id) : null,
      connect: s.connect
        ? { ...s.connect, credential: SECRET_MASK, hasCredential: Boolean(s.connect.credential) }
        : undefined,
      managed: s.connect ? managed(s.id) : null,
    })),
    // An action's secret that is set shows as the mask; an empty one stays empty (not set).
    automations: config.automations.map((a) => ({
      ...a,
      action: mapActionSecrets(a.action, (v) => (v ? SECRET_MASK : v)) as ActionConfig,
    })),
    destinations: config.destinations.map((d) => ({ ...d, secret: SECRET_MASK, hasSecret: Boolean(d.secret) })),
    tunnel: {
      ...config.tunnel,
      authtoken: config.tunnel.authtoken ? SECRET_MASK : null,
      hasAuthtoken: Boolean(config.tunnel.authtoken),
    },
    follow: config.follow ? { link: SECRET_MASK, server: followServer(config.follow.link) } : null,
  };
}

/** The server a pairing link points at (no token), or null for a link that does not parse. */
function followServer(link: string): string | null {
  try {
    return parsePairingLink(link).server;
  } catch {
    return null;
  }
}
