// @vitest-environment happy-dom
// Adding a destination speaks of it by the name the owner typed: the one-time
// secret notice says "Secret for Bookkeeper", and the id hint under an empty
// name does not promise an id ("destination") that saving would not use.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import { setApi, type Client } from '../../renderer/api';
import { appStore } from '../../renderer/api/store';
import { Destinations } from '../../renderer/views/outbox/Destinations';

const empty = {
  sources: [],
  automations: [],
  destinations: [],
  tunnel: { provider: 'none', authtoken: null, domain: null, hasAuthtoken: false },
  retention: { days: 30 },
  limits: { concurrency: 4 },
} as unknown as PublicConfig;

afterEach(() => {
  cleanup();
  setApi(null);
  appStore.set({ config: null });
});

function renderWithSaves() {
  const saved: { id: string; name?: string; url: string }[] = [];
  setApi({
    saveDestination: async (d: { id: string; name?: string; url: string }) => {
      saved.push(d);
      return { ...empty, destinations: [{ ...d, secret: '••••', hasSecret: true, enabled: true }] } as PublicConfig;
    },
  } as unknown as Client);
  appStore.set({ config: empty });
  const view = render(<Destinations config={empty} />);
  fireEvent.click(view.getByRole('button', { name: 'Add a destination' }));
  return { view, saved };
}

const hintOf = (view: ReturnType<typeof render>) => {
  const input = view.getByLabelText('Name');
  return view.container.querySelector(`#${CSS.escape(input.getAttribute('aria-describedby')!)}`)?.textContent;
};

describe('adding a destination', () => {
  it('shows the new secret under the name the owner typed, and the id scripts use', async () => {
    const { view, saved } = renderWithSaves();
    fireEvent.change(view.getByLabelText('Name'), { target: { value: 'Bookkeeper' } });
    expect(view.getByTestId('destination-id').textContent).toBe('bookkeeper');
    fireEvent.change(view.getByLabelText('URL'), { target: { value: 'https://books.example.com/in' } });
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Add destination' }));
    });
    expect(saved).toEqual([expect.objectContaining({ id: 'bookkeeper', name: 'Bookkeeper' })]);
    const notice = view.container.querySelector('.notice.tone-info')!;
    expect(notice.querySelector('strong')?.textContent).toBe('Secret for Bookkeeper:');
    expect(notice.querySelector('code')?.textContent).toMatch(/^whsec_/);
  });

  it('does not promise an id before a name is typed, since saving makes it from the URL', async () => {
    const { view, saved } = renderWithSaves();
    expect(view.queryByTestId('destination-id')).toBeNull();
    expect(hintOf(view)).toBe(
      'Scripts send to it by this name, or by the id made from it (shown here once you type one).',
    );
    fireEvent.change(view.getByLabelText('URL'), { target: { value: 'https://books.example.com/in' } });
    await act(async () => {
      fireEvent.click(view.getByRole('button', { name: 'Add destination' }));
    });
    // Unnamed: the id comes from the host, and the notice names it by that id.
    expect(saved[0]!.id).toBe('books-example-com');
    expect(view.container.querySelector('.notice.tone-info strong')?.textContent).toBe('Secret for books-example-com:');
  });
});
