// The Signature card of an event Connect recovered does not claim a signature was checked:
// the event came from the provider's API with the owner's key, not from a signed webhook.
import { describe, expect, it } from 'vitest';
import { verifiedWords } from '../../renderer/views/event/EventView';

describe('verifiedWords', () => {
  it('a recovered event: no signature, fetched from the provider with the key', () => {
    const words = verifiedWords({ recovered: true }, 'Payments', 'Stripe');
    expect(words).toBe(
      '✓ No signature to check: Hookdock fetched it from Stripe with your API key, so it really came from Payments.',
    );
    expect(words).not.toContain('Signature checked');
  });
  it('a webhook and a test sample keep their words', () => {
    expect(verifiedWords({}, 'Payments', 'Stripe')).toBe('✓ Signature checked: it really came from Payments.');
    expect(verifiedWords({ test: true }, 'Shop', 'Shopify')).toContain("Signature checked with Shop's secret");
  });
});
