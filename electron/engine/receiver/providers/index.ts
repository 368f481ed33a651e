// The provider registry: one module per provider, looked up by the source's `provider`.
import type { ProviderId } from '../../../../shared/types';
import type { Provider } from '../types';
import { github } from './github';
import { hmac } from './hmac';
import { none } from './none';
import { shopify } from './shopify';
import { square } from './square';
import { standardWebhooks } from './standard-webhooks';
import { stripe } from './stripe';
import { woocommerce } from './woocommerce';

const providers: Record<ProviderId, Provider> = {
  stripe,
  shopify,
  woocommerce,
  square,
  github,
  'standard-webhooks': standardWebhooks,
  hmac,
  none,
};

export function getProvider(id: ProviderId): Provider {
  const provider = providers[id];
  if (!provider) throw new Error(`Unknown provider "${String(id)}".`);
  return provider;
}

export function allProviders(): Provider[] {
  return Object.values(providers);
}
