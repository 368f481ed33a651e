import { describe, expect, it } from 'vitest';
import { automationSchema, type AutomationConfig } from '../../shared/config';
import { automationMatches, globMatch, matchingAutomations } from '../../electron/engine/automations/match';

const automation = (over: Partial<AutomationConfig> & { id: string; events: string[] }): AutomationConfig =>
  automationSchema.parse({ run: { command: '/bin/true' }, ...over });

describe('globMatch', () => {
  it.each([
    ['charge.refunded', 'charge.refunded', true],
    ['charge.refunded', 'charge.refunded.extra', false],
    ['charge.refunded', 'charge.refunde', false],
    ['refund.*', 'refund.created', true],
    ['refund.*', 'refund.', true],
    ['refund.*', 'refund', false],
    ['refund.*', 'refunds.created', false],
    ['orders/*', 'orders/create', true],
    ['orders/*', 'orders/paid/partially', true],
    ['orders/*', 'products/create', false],
    ['*', 'anything/at.all', true],
    ['*', '', true],
    ['*.refunded', 'charge.refunded', true],
    ['*.refunded', 'charge.refunded.not', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['issues.*', 'issues.opened', true],
    // Only * is special: dots, brackets and question marks are literal.
    ['refund.?', 'refund.x', false],
    ['refund.?', 'refund.?', true],
    ['[abc]', 'a', false],
    ['a.c', 'abc', false],
  ])('%s vs %s -> %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });

  it('stays fast on a hostile pattern and value', () => {
    const started = performance.now();
    expect(globMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('matchingAutomations', () => {
  const config = {
    automations: [
      automation({ id: 'refunds', source: 'payments', events: ['charge.refunded', 'refund.*'] }),
      automation({ id: 'all-orders', source: 'shop', events: ['orders/*'] }),
      automation({ id: 'everything', events: ['*'] }),
      automation({ id: 'off', enabled: false, events: ['*'] }),
      automation({ id: 'exact-any-source', source: '*', events: ['refund.created'] }),
    ],
  };
  const ids = (event: { source: string; type: string; status?: 'received' | 'rejected' | 'duplicate' }) =>
    matchingAutomations(config, event).map((a) => a.id);

  it('fires every enabled automation whose source and events match, in config order', () => {
    expect(ids({ source: 'payments', type: 'refund.created' })).toEqual(['refunds', 'everything', 'exact-any-source']);
    expect(ids({ source: 'payments', type: 'charge.refunded' })).toEqual(['refunds', 'everything']);
    expect(ids({ source: 'shop', type: 'orders/create' })).toEqual(['all-orders', 'everything']);
    expect(ids({ source: 'shop', type: 'refund.created' })).toEqual(['everything', 'exact-any-source']);
  });

  it('never fires a disabled automation', () => {
    expect(ids({ source: 'x', type: 'y' })).not.toContain('off');
    expect(automationMatches(config.automations[3], { source: 'x', type: 'y' })).toBe(false);
  });

  it('never fires anything for rejected or duplicate events', () => {
    expect(ids({ source: 'payments', type: 'refund.created', status: 'rejected' })).toEqual([]);
    expect(ids({ source: 'payments', type: 'refund.created', status: 'duplicate' })).toEqual([]);
    expect(ids({ source: 'payments', type: 'refund.created', status: 'received' })).toHaveLength(3);
  });

  it('matches the source exactly', () => {
    expect(ids({ source: 'payments2', type: 'charge.refunded' })).toEqual(['everything']);
  });
});
