// One source of each provider, in their own file so tests that only need the
// sources (unit tests of samples and summaries) do not load the providers' SDKs.
import type { SourceConfig } from '../../shared/config';

/** One source of each provider, with secrets, for config files in tests. */
export function sampleSources(): SourceConfig[] {
  return [
    {
      id: 'payments',
      provider: 'stripe',
      secret: 'whsec_' + Buffer.from('stripe-test-secret-0123').toString('base64'),
    },
    { id: 'shop', provider: 'shopify', secret: 'shopify-test-secret-0123' },
    { id: 'woo', provider: 'woocommerce', secret: 'woo-test-secret-0123' },
    { id: 'pos', provider: 'square', secret: 'square-test-secret-0123' },
    { id: 'code', provider: 'github', secret: 'github-test-secret-0123' },
    {
      id: 'crm',
      provider: 'standard-webhooks',
      secret: 'whsec_' + Buffer.from('standard-test-secret-01').toString('base64'),
    },
    {
      id: 'forms',
      provider: 'hmac',
      secret: 'hmac-test-secret-0123',
      hmac: { header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
      eventType: { header: 'X-Event' },
      eventId: { jsonPath: '$.id' },
    },
    { id: 'open', provider: 'none' },
  ];
}
