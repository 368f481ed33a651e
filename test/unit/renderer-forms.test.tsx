// @vitest-environment happy-dom
// The shared form parts: Settings and the secret fields say how secrets are
// kept (keychain or a file only this user reads), and a form shows its own
// check and the API's refusal the same way, without sending a bad form.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import { ApiError, setApi, type Client } from '../../renderer/api';
import { appStore } from '../../renderer/api/store';
import { SettingsView } from '../../renderer/views/settings/SettingsView';
import { SourceForm } from '../../renderer/views/sources/SourceForm';

const KEYCHAIN = 'Secrets are encrypted with your system keychain.';
const PLAIN = 'Secrets are stored in a file only your user account can read (this system offers no keychain).';

function config(over: Partial<PublicConfig> = {}): PublicConfig {
  return {
    sources: [
      {
        id: 'shop',
        provider: 'shopify',
        secret: '••••',
        hasSecret: true,
        webhookUrl: 'http://127.0.0.1:8787/hooks/shop',
      },
    ],
    automations: [],
    destinations: [],
    tunnel: { provider: 'none', authtoken: null, domain: null, hasAuthtoken: false },
    retention: { days: 30 },
    limits: { concurrency: 4 },
    ...over,
  } as PublicConfig;
}

afterEach(() => {
  cleanup();
  setApi(null);
  appStore.set({ config: null });
});

describe('how secrets are kept', () => {
  it.each([
    ['os-keychain', KEYCHAIN],
    ['plain-file', PLAIN],
  ] as const)('Settings says so for %s', (storage, sentence) => {
    appStore.set({ config: config({ secretsStorage: storage }) });
    const view = render(<SettingsView />);
    expect(view.getByTestId('secrets-storage').textContent).toBe(sentence);
    // The tunnel's authtoken is a secret too: the sentence sits under it.
    fireEvent.change(view.getByLabelText('Tunnel'), { target: { value: 'ngrok' } });
    expect(view.getByLabelText('ngrok authtoken').getAttribute('aria-describedby')).toBeTruthy();
    const hintId = view.getByLabelText('ngrok authtoken').getAttribute('aria-describedby')!;
    expect(view.container.querySelector(`#${CSS.escape(hintId)}`)?.textContent).toContain(sentence);
  });

  it('says nothing when the engine does not tell', () => {
    appStore.set({ config: config() });
    const view = render(<SettingsView />);
    expect(view.queryByTestId('secrets-storage')).toBeNull();
    expect(view.container.textContent).not.toMatch(/Secrets are/);
  });

  it('is the hint under a source secret, with the saved-secret hint', () => {
    appStore.set({ config: config({ secretsStorage: 'plain-file' }) });
    const c = appStore.get().config!;
    const view = render(<SourceForm existing={c.sources[0]} takenIds={[]} onSaved={() => {}} onCancel={() => {}} />);
    const input = view.getByLabelText('Webhook signing key');
    expect(input.getAttribute('type')).toBe('password');
    const hint = view.container.querySelector(`#${CSS.escape(input.getAttribute('aria-describedby')!)}`);
    expect(hint?.textContent).toBe(`A secret is saved. Leave this empty to keep it. ${PLAIN}`);
  });
});

describe('a source form', () => {
  it('saves a Stripe source without its secret, showing its URL first', async () => {
    const calls: { id: string; secret?: string }[] = [];
    setApi({
      saveSource: async (args: { id: string; secret?: string }) => {
        calls.push(args);
        return appStore.get().config!;
      },
    } as unknown as Client);
    appStore.set({ config: config({ secretsStorage: 'os-keychain' }) });
    const view = render(<SourceForm existing={null} takenIds={['shop']} onSaved={() => {}} onCancel={() => {}} />);
    fireEvent.click(view.getByRole('button', { name: /Stripe/ }));
    fireEvent.change(view.getByLabelText('Name'), { target: { value: 'Payments' } });
    expect(view.getByTestId('new-source-url').textContent).toMatch(/\/hooks\/payments$/);
    expect(view.getByTestId('secret-later').textContent).toMatch(/waiting for its signing secret/);
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Add source' }));
    });
    expect(calls).toEqual([expect.objectContaining({ id: 'payments', secret: undefined })]);
  });
});

describe('renaming a source', () => {
  const hintOf = (view: ReturnType<typeof render>) => {
    const input = view.getByLabelText('Name');
    return view.container.querySelector(`#${CSS.escape(input.getAttribute('aria-describedby')!)}`)?.textContent;
  };

  it('says the address stays, and it does, when the name of a saved source changes', () => {
    appStore.set({ config: config() });
    const c = appStore.get().config!;
    const view = render(<SourceForm existing={c.sources[0]} takenIds={[]} onSaved={() => {}} onCancel={() => {}} />);
    expect(hintOf(view)).toBe(
      'Shown in the feed and lists. Renaming keeps the address below, so nothing changes in the service.',
    );
    fireEvent.change(view.getByLabelText('Name'), { target: { value: 'The big shop' } });
    expect(view.getByTestId('new-source-url').textContent).toMatch(/\/hooks\/shop$/);
  });

  it("says a new source's address is made from its name, and it is", () => {
    appStore.set({ config: config() });
    const view = render(<SourceForm existing={null} takenIds={['shop']} onSaved={() => {}} onCancel={() => {}} />);
    fireEvent.click(view.getByRole('button', { name: /Shopify/ }));
    expect(hintOf(view)).toBe('Shown in the feed and lists; the address below is made from it.');
    fireEvent.change(view.getByLabelText('Name'), { target: { value: 'The big shop' } });
    expect(view.getByTestId('new-source-url').textContent).toMatch(/\/hooks\/the-big-shop$/);
  });
});

describe('a form that saves', () => {
  it('shows its own check without calling the API, then the API refusal', async () => {
    const calls: unknown[] = [];
    setApi({
      saveSource: async (args: unknown) => {
        calls.push(args);
        throw new ApiError('That name is taken by another source.', 'conflict', 409);
      },
    } as unknown as Client);
    appStore.set({ config: config({ secretsStorage: 'os-keychain' }) });
    const view = render(<SourceForm existing={null} takenIds={['shop']} onSaved={() => {}} onCancel={() => {}} />);
    fireEvent.click(view.getByRole('button', { name: /Stripe/ }));
    // The secret may wait (Stripe shows it only once the endpoint exists), but what is typed is checked.
    fireEvent.change(view.getByLabelText(/^Signing secret/), { target: { value: 'abc' } });
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Add source' }));
    });
    expect(view.getByRole('alert').textContent).toBe(
      'A Stripe signing secret starts with whsec_. Check you copied the whole secret.',
    );
    expect(calls).toHaveLength(0);

    fireEvent.change(view.getByLabelText(/^Signing secret/), { target: { value: 'whsec_abc' } });
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Add source' }));
    });
    expect(calls).toHaveLength(1);
    expect(view.getByRole('alert').textContent).toBe('That name is taken by another source.');
    // Not stuck busy after a refusal: it can be sent again.
    expect(view.getByRole('button', { name: 'Add source' }).hasAttribute('disabled')).toBe(false);
  });
});
