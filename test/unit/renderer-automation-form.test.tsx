// @vitest-environment happy-dom
// The automation form: every problem at once next to its field with focus on the
// first, a script that cannot start named before it is saved (by the engine's real
// preflight against real files), and the retry schedule spelled out.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AutomationConfig, PublicConfig } from '../../shared/api';
import { createCheckScriptHandlers } from '../../electron/engine/handlers/check-script';
import { setApi, type Client } from '../../renderer/api';
import { AutomationForm } from '../../renderer/views/automations/AutomationForm';

const config = {
  sources: [{ id: 'shop', name: 'My shop', provider: 'shopify', secret: '••••', hasSecret: true, webhookUrl: null }],
  automations: [],
  destinations: [],
  tunnel: { provider: 'none', authtoken: null, domain: null, hasAuthtoken: false },
  retention: { days: 30 },
  limits: { concurrency: 4 },
} as unknown as PublicConfig;

let dir: string;
let saved: AutomationConfig[];
let checks: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookdock-form-'));
  saved = [];
  checks = 0;
  const real = createCheckScriptHandlers();
  setApi({
    listEventTypes: async () => ({ items: [] }),
    checkScript: async (args: Parameters<Client['checkScript']>[0]) => {
      checks++;
      return real.checkScript({ args: [], cwd: null, ...args });
    },
    saveAutomation: async (a: AutomationConfig) => {
      saved.push(a);
      return config;
    },
  } as unknown as Client);
});

afterEach(async () => {
  cleanup();
  setApi(null);
  await rm(dir, { recursive: true, force: true });
});

function renderForm() {
  return render(
    <AutomationForm existing={null} config={config} onSaved={() => undefined} onCancel={() => undefined} />,
  );
}

async function submit(view: ReturnType<typeof renderForm>) {
  await act(async () => {
    fireEvent.click(view.getByRole('button', { name: 'Create automation' }));
  });
}

describe('the automation form', () => {
  it('shows every problem at once, each next to its field, and focuses the first', async () => {
    const view = renderForm();
    fireEvent.change(view.getByLabelText('Retries when it fails'), { target: { value: '-1' } });
    await submit(view);
    await waitFor(() => expect(view.getAllByRole('alert').length).toBeGreaterThan(1));
    const alerts = view.getAllByRole('alert').map((a) => a.textContent);
    expect(alerts).toContain('Pick at least one kind of event (or type * for every event).');
    expect(alerts).toContain('Say which script to run: its full path, like /home/me/scripts/refund.sh.');
    expect(alerts).toContain('Retries must be a whole number from 0 to 99.');
    expect(alerts).toContain('Fix the 3 fields marked above.');
    // Next to its field: the script field's error is its aria description.
    const script = view.getByLabelText('Script');
    expect(script.getAttribute('aria-invalid')).toBe('true');
    const described = script.getAttribute('aria-describedby')!.split(' ');
    expect(described.map((id) => document.getElementById(id)?.textContent)).toContain(
      'Say which script to run: its full path, like /home/me/scripts/refund.sh.',
    );
    // The summary sits under the fields, so its words point up at them.
    const summary = view.getAllByRole('alert').find((a) => a.textContent === 'Fix the 3 fields marked above.')!;
    expect(script.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // Focus is on the first problem in reading order: the event type picker, before the script,
    // and in it the box where a type is typed (its message is under that box), not the first chip.
    await waitFor(() => expect(document.activeElement?.closest('.type-picker')).not.toBeNull());
    expect(document.activeElement?.tagName).toBe('INPUT');
    expect(saved).toHaveLength(0);
  });

  it('names a missing or non-executable script while typing and at save; a second save keeps it anyway', async () => {
    // No extension: run as a program, so it needs its execute bit (a .sh would run with sh).
    const script = join(dir, 'refund');
    await writeFile(script, '#!/bin/sh\nexit 0\n');
    await chmod(script, 0o644);
    const view = renderForm();
    fireEvent.click(view.getByTitle('orders/create'));
    fireEvent.change(view.getByLabelText('Script'), { target: { value: join(dir, 'nope.sh') } });
    await waitFor(() => expect(view.getByText(/does not exist\. Check the path/)).toBeTruthy());

    fireEvent.change(view.getByLabelText('Script'), { target: { value: script } });
    await waitFor(() => expect(view.getByText(/is not executable\. Run: chmod \+x/)).toBeTruthy());
    await submit(view);
    await waitFor(() => expect(view.getByLabelText('Script').getAttribute('aria-invalid')).toBe('true'));
    expect(saved).toHaveLength(0);
    expect(
      view
        .getAllByRole('alert')
        .map((a) => a.textContent)
        .join(' '),
    ).toMatch(/is not executable\. .*save again to keep the automation anyway/);
    await submit(view);
    await waitFor(() => expect(saved).toHaveLength(1));
    expect((saved[0]!.action as { command: string }).command).toBe(script);
    expect(checks).toBeGreaterThan(0);
  });

  it('saves a runnable script at the first click', async () => {
    const script = join(dir, 'ok.sh');
    await writeFile(script, '#!/bin/sh\nexit 0\n');
    await chmod(script, 0o755);
    const view = renderForm();
    fireEvent.click(view.getByTitle('orders/create'));
    fireEvent.change(view.getByLabelText('Script'), { target: { value: script } });
    await submit(view);
    await waitFor(() => expect(saved).toHaveLength(1));
  });

  it('tells two sources with the same name apart in the source list', () => {
    const twins = {
      ...config,
      sources: [...config.sources, { ...config.sources[0]!, id: 'shop-2' }],
    } as PublicConfig;
    const view = render(
      <AutomationForm existing={null} config={twins} onSaved={() => undefined} onCancel={() => undefined} />,
    );
    const options = [...view.getByLabelText('Source').querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual(['any source', 'My shop (Shopify, shop)', 'My shop (Shopify, shop-2)']);
  });

  it('defaults to retries over hours and spells out the schedule it saves', async () => {
    const view = renderForm();
    expect(view.getByTestId('retry-schedule').textContent).toBe(
      'If it fails: retries after ~1 min, 5 min, 30 min, 1 h, 2 h, 4 h, 8 h; gives up about 15 h 36 min after the first try.',
    );
    fireEvent.change(view.getByLabelText('Retries when it fails'), { target: { value: '2' } });
    expect(view.getByTestId('retry-schedule').textContent).toBe(
      'If it fails: retries after ~1 min, 5 min; gives up about 6 min after the first try.',
    );
    const script = join(dir, 'ok.sh');
    await writeFile(script, '#!/bin/sh\n');
    await chmod(script, 0o755);
    fireEvent.click(view.getByTitle('orders/create'));
    fireEvent.change(view.getByLabelText('Script'), { target: { value: script } });
    await submit(view);
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.retry).toEqual({ schedule: [60_000, 300_000] });
  });
});
