// @vitest-environment happy-dom
// The automation form edits a script action: saving it sends `action` (kind script)
// and keeps conditions it does not edit yet, so saving from the UI never drops them.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AutomationConfig, PublicConfig } from '../../shared/api';
import { setApi, type Client } from '../../renderer/api';
import { AutomationForm } from '../../renderer/views/automations/AutomationForm';

afterEach(() => {
  cleanup();
  setApi(null);
});

const existing: AutomationConfig = {
  id: 'big-orders',
  name: 'Big orders',
  enabled: true,
  source: 'shop',
  events: ['orders/create'],
  conditions: { 'payload.total_price': { $gt: 100 } },
  action: { kind: 'script', command: '/home/me/order.sh', args: ['--loud'], cwd: null, timeoutSeconds: 30 },
  retry: { maxAttempts: 3, initialDelayMs: 10_000, maxDelayMs: 3_600_000 },
};

const config = {
  sources: [{ id: 'shop', provider: 'shopify', secret: '••••', hasSecret: true, webhookUrl: 'http://x/hooks/shop' }],
  automations: [existing],
  destinations: [],
  tunnel: { provider: 'none', authtoken: null, domain: null, hasAuthtoken: false },
  retention: { days: 30 },
  limits: { concurrency: 4 },
} as unknown as PublicConfig;

describe('the automation form', () => {
  it('shows the script action and saves it as an action, keeping the conditions', async () => {
    const saved: unknown[] = [];
    setApi({
      listEventTypes: async () => ({ items: [] }),
      checkScript: async () => ({ problem: null }),
      saveAutomation: async (args: unknown) => {
        saved.push(args);
        return config;
      },
    } as unknown as Client);
    const view = render(<AutomationForm existing={existing} config={config} onSaved={() => {}} onCancel={() => {}} />);
    expect((view.getByLabelText('Script') as HTMLInputElement).value).toBe('/home/me/order.sh');
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Save changes' }));
    });
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      id: 'big-orders',
      conditions: { 'payload.total_price': { $gt: 100 } },
      action: { kind: 'script', command: '/home/me/order.sh', args: ['--loud'], cwd: null, timeoutSeconds: 30 },
    });
    expect(saved[0]).not.toHaveProperty('run');
  });
});
