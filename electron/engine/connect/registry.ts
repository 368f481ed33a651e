// The connectors, one per provider (STYLE.md "Kinds behind one interface"): a new
// provider is one file in connect/ plus one line below. The registry refuses a
// repeated provider, and answers the API base each one talks to.
import type { ProviderId } from '../../../shared/types';
import { githubConnector } from './github';
import { shopifyConnector } from './shopify';
import { squareConnector } from './square';
import { stripeConnector } from './stripe';
import { woocommerceConnector } from './woocommerce';
import type { ProviderConnector } from './types';

const BUILTIN: ProviderConnector[] = [
  stripeConnector,
  shopifyConnector,
  woocommerceConnector,
  githubConnector,
  squareConnector,
];

export interface ConnectorRegistry {
  get(provider: ProviderId): ProviderConnector | undefined;
  providers(): ProviderId[];
  /**
   * The API base for `provider`: `HOOKDOCK_<PROVIDER>_API_BASE` from `env` when set (tests'
   * fake servers; README "Connect a provider"), else the connector's real one.
   */
  apiBase(provider: ProviderId): string;
}

/** The environment variable that overrides a provider's API base: HOOKDOCK_STRIPE_API_BASE… */
export function apiBaseVariable(provider: ProviderId): string {
  return `HOOKDOCK_${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_BASE`;
}

/** Throws when two connectors claim one provider (a merge mistake, caught at start). */
export function createConnectorRegistry(
  connectors: ProviderConnector[] = BUILTIN,
  env: Record<string, string | undefined> = process.env,
): ConnectorRegistry {
  const byProvider = new Map<ProviderId, ProviderConnector>();
  for (const c of connectors) {
    if (byProvider.has(c.provider)) throw new Error(`Two connectors for provider "${c.provider}".`);
    byProvider.set(c.provider, c);
  }
  return {
    get: (provider) => byProvider.get(provider),
    providers: () => [...byProvider.keys()],
    apiBase(provider) {
      const override = env[apiBaseVariable(provider)]?.trim();
      return (override || byProvider.get(provider)?.defaultApiBase || '').replace(/\/+$/, '');
    },
  };
}
