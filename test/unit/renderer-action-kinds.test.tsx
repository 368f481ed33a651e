// @vitest-environment happy-dom
// The automation form's kinds (issue #12, section 4 UI): one form per kind from the
// registry, each saving the shape ARCHITECTURE.md fixes (checked with the real schema);
// a saved secret (SMTP password, API key, forward secret) is never shown back in clear and
// an empty field keeps it. And the recipes' drafts per provider (section 5).
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionSchema } from '../../shared/actions';
import type { AutomationConfig, PublicConfig } from '../../shared/api';
import { automationSchema } from '../../shared/config';
import { setApi, type Client } from '../../renderer/api';
import { AutomationForm } from '../../renderer/views/automations/AutomationForm';
import { RECIPES, recipeDraft } from '../../renderer/views/automations/recipes';

const config = {
  sources: [{ id: 'pay', name: 'Payments', provider: 'stripe', secret: '••••', hasSecret: true, webhookUrl: null }],
  automations: [],
  destinations: [],
  tunnel: { provider: 'none', authtoken: null, domain: null, hasAuthtoken: false },
  retention: { days: 30 },
  limits: { concurrency: 4 },
} as unknown as PublicConfig;

let saved: AutomationConfig[];
beforeEach(() => {
  saved = [];
  setApi({
    listEventTypes: async () => ({ items: [] }),
    listEvents: async () => ({ items: [], nextCursor: null }),
    saveAutomation: async (a: AutomationConfig) => {
      saved.push(a);
      return config;
    },
  } as unknown as Client);
});
afterEach(() => {
  cleanup();
  setApi(null);
});

const base = { id: 'a1', name: 'A', enabled: true, source: 'pay', events: ['charge.refunded'] };
const save = async (view: ReturnType<typeof render>, label = 'Save changes') => {
  await act(async () => {
    fireEvent.click(view.getByRole('button', { name: label }));
  });
  await waitFor(() => expect(saved.length).toBe(1));
  return saved[0];
};

describe('secrets in action forms', () => {
  const cases = [
    {
      kind: 'email',
      secret: 'smtp-pass-hunter2',
      label: 'Password',
      action: {
        kind: 'email',
        smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'me', password: 'smtp-pass-hunter2' },
        from: 'shop@example.com',
        to: 'me@example.com',
        subject: 'Refund',
        body: 'x',
      },
      read: (a: AutomationConfig) => (a.action as { smtp: { password: string } }).smtp.password,
    },
    {
      kind: 'agent',
      secret: 'sk-agent-key-123',
      label: 'API key (optional)',
      action: {
        kind: 'agent',
        baseUrl: 'http://127.0.0.1:11434/v1',
        apiKey: 'sk-agent-key-123',
        model: 'llama3',
        instructions: 'i',
        message: 'm',
      },
      read: (a: AutomationConfig) => (a.action as { apiKey: string }).apiKey,
    },
    {
      kind: 'forward',
      secret: 'whsec_forwardsecret',
      label: 'Signing secret (optional)',
      action: { kind: 'forward', url: 'https://agent.example.com/hook', secret: 'whsec_forwardsecret' },
      read: (a: AutomationConfig) => (a.action as { secret: string }).secret,
    },
  ];
  for (const c of cases) {
    it(`${c.kind}: the saved secret is not shown, an empty field keeps it, a typed one replaces it`, async () => {
      const existing = { ...base, action: c.action } as unknown as AutomationConfig;
      let view = render(<AutomationForm existing={existing} config={config} onSaved={() => {}} onCancel={() => {}} />);
      const input = view.getByLabelText(c.label) as HTMLInputElement;
      expect(input.type).toBe('password');
      expect(input.value).toBe('');
      expect(view.container.innerHTML).not.toContain(c.secret);
      expect(c.read(await save(view))).toBe(c.secret);
      expect(actionSchema.safeParse(saved[0].action).success).toBe(true);

      cleanup();
      saved = [];
      view = render(<AutomationForm existing={existing} config={config} onSaved={() => {}} onCancel={() => {}} />);
      fireEvent.change(view.getByLabelText(c.label), { target: { value: 'new-secret' } });
      expect(c.read(await save(view))).toBe('new-secret');
    });
  }
});

describe('kinds', () => {
  it('a new notify automation saves the shape of ARCHITECTURE.md, after asking for what is missing', async () => {
    const draft = {
      name: 'N',
      source: 'pay',
      events: ['charge.refunded'],
      action: { kind: 'notify' as const, title: '', body: '' },
    };
    const view = render(
      <AutomationForm existing={null} draft={draft} config={config} onSaved={() => {}} onCancel={() => {}} />,
    );
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Create automation' }));
    });
    expect(view.getByText('Give the notification a title, e.g. “New order”.')).toBeTruthy();
    fireEvent.change(view.getByLabelText('Notification title'), { target: { value: 'Refund {{ payload.id }}' } });
    const a = await save(view, 'Create automation');
    expect(a.action).toEqual({ kind: 'notify', title: 'Refund {{ payload.id }}', body: '' });
    expect(automationSchema.safeParse(a).success).toBe(true);
  });

  it('switching the kind keeps each kind’s fields; a CSV row needs a full path and named columns', async () => {
    const existing = { ...base, action: { kind: 'notify', title: 'T', body: 'B' } } as unknown as AutomationConfig;
    const view = render(<AutomationForm existing={existing} config={config} onSaved={() => {}} onCancel={() => {}} />);
    fireEvent.change(view.getByLabelText('Action'), { target: { value: 'csv' } });
    fireEvent.change(view.getByLabelText('Spreadsheet file (CSV)'), { target: { value: 'orders.csv' } });
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Save changes' }));
    });
    expect(view.getByText('Give the file’s full path, like /home/me/orders.csv.')).toBeTruthy();
    fireEvent.change(view.getByLabelText('Action'), { target: { value: 'notify' } });
    expect((view.getByLabelText('Notification title') as HTMLInputElement).value).toBe('T');
    fireEvent.change(view.getByLabelText('Action'), { target: { value: 'csv' } });
    fireEvent.change(view.getByLabelText('Spreadsheet file (CSV)'), { target: { value: '/home/me/Bestellungen.csv' } });
    const a = await save(view);
    expect(a.action).toEqual({
      kind: 'csv',
      file: '/home/me/Bestellungen.csv',
      columns: [{ name: 'Received', value: '{{ receivedAt }}' }],
    });
    expect(actionSchema.safeParse(a.action).success).toBe(true);
  });
});

describe('recipes', () => {
  it('write refund amounts as each provider does: cents for Stripe and Square, decimals for Shopify', () => {
    expect(recipeDraft('notify-refunds', { id: 'p', provider: 'stripe' }, { amount: 100 })).toMatchObject({
      events: ['charge.refunded'],
      conditions: { 'payload.data.object.amount_refunded': { $gt: 10000 } },
    });
    expect(recipeDraft('notify-refunds', { id: 'q', provider: 'square' }, { amount: 12.5 }).conditions).toEqual({
      'payload.data.object.refund.amount_money.amount': { $gt: 1250 },
    });
    expect(recipeDraft('notify-refunds', { id: 's', provider: 'shopify' }, { amount: 100 })).toMatchObject({
      events: ['refunds/create'],
      conditions: { 'payload.transactions.amount': { $gt: 100 } },
    });
    expect(recipeDraft('notify-refunds', { id: 'w', provider: 'woocommerce' }, { amount: 100 }).conditions).toEqual({
      'payload.status': { $eq: 'refunded' },
      'payload.total': { $gt: 100 },
    });
  });

  it('every recipe for every provider is a valid automation once its blanks are filled', () => {
    for (const provider of ['stripe', 'shopify', 'woocommerce', 'square', 'github', 'hmac']) {
      for (const r of RECIPES) {
        const d = recipeDraft(r.id, { id: 'src', provider }, { amount: 100, scriptPath: '/tmp/s.py' });
        const filled = {
          ...d,
          id: 'x',
          events: d.events.length ? d.events : ['*'],
          action:
            d.action.kind === 'csv'
              ? { ...d.action, file: '/tmp/o.csv' }
              : d.action.kind === 'forward'
                ? { ...d.action, url: 'https://a.example/h' }
                : d.action,
        };
        const parsed = automationSchema.safeParse(filled);
        expect(parsed.success, `${provider} ${r.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
    }
  });
});
