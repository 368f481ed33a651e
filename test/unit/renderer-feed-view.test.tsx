// @vitest-environment happy-dom
// The feed page's own words: "Live" only while the dashboard's stream is up, and
// the "/" shortcut selects the last search so typing replaces it.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setApi, type Client } from '../../renderer/api';
import { appStore } from '../../renderer/api/store';
import { FeedView } from '../../renderer/views/feed/FeedView';

afterEach(() => {
  cleanup();
  setApi(null);
  appStore.set({ connection: 'connecting' });
});

function fakeApi(): Client {
  return {
    listEvents: async () => ({ items: [], nextCursor: null }),
    listEventTypes: async () => ({ items: [] }),
    listen: () => () => {},
    onConnection: () => () => {},
  } as unknown as Client;
}

describe('FeedView', () => {
  it('says Live only while the stream is up, and Reconnecting… while it is not', async () => {
    setApi(fakeApi());
    appStore.set({ connection: 'live' });
    const view = render(<FeedView />);
    const badge = () => view.container.querySelector('.live-indicator')!;
    expect(badge().textContent).toBe('Live');
    act(() => appStore.set({ connection: 'offline' }));
    expect(badge().textContent).toBe('Reconnecting…');
    expect(badge().className).toContain('is-paused');
    act(() => appStore.set({ connection: 'live' }));
    expect(badge().textContent).toBe('Live');
  });

  it('"/" focuses the search box with the last search selected', async () => {
    setApi(fakeApi());
    const view = render(<FeedView />);
    const box = view.getByLabelText('Search events') as HTMLInputElement;
    fireEvent.change(box, { target: { value: 'maria' } });
    box.blur();
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(box);
    expect([box.selectionStart, box.selectionEnd]).toEqual([0, 5]);
  });
});
