// @vitest-environment happy-dom
// The outbox view keeps up with the stream: a retry whose news (delivering,
// delivered) arrives before the API's answer to the click is not turned back
// to "pending" by that late answer.
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { Delivery } from '../../shared/types';
import { setApi, type Client } from '../../renderer/api';
import { appStore } from '../../renderer/api/store';
import { OutboxView } from '../../renderer/views/outbox/OutboxView';

afterEach(() => {
  cleanup();
  setApi(null);
  appStore.set({ config: null });
});

function delivery(over: Partial<Delivery>): Delivery {
  return {
    id: 'dlv_1',
    destinationId: 'crm',
    type: 'order_noted',
    status: 'failed',
    webhookId: 'msg_1',
    data: { order: '#2001' },
    eventId: 'evt_1',
    runId: 'run_1',
    attempts: [],
    nextAttemptAt: null,
    createdAt: '2026-11-27T10:00:00.000Z',
    ...over,
  } as Delivery;
}

const attempt = (n: number, statusCode: number) => ({
  attempt: n,
  at: '2026-11-27T10:00:00.000Z',
  statusCode,
  durationMs: 12,
  responseBody: statusCode === 200 ? 'ok' : 'down',
  error: statusCode === 200 ? null : `The destination answered ${statusCode}.`,
});

it('a quick retry ends as delivered even when the stream tells before the click is answered', async () => {
  const failed = delivery({ status: 'failed', attempts: [attempt(1, 500)] });
  const listeners = new Map<string, (d: Delivery) => void>();
  let answer!: (d: Delivery) => void;
  setApi({
    listOutbox: async () => ({ items: [failed], nextCursor: null }),
    retryDelivery: () => new Promise<Delivery>((resolve) => (answer = resolve)),
    listen: (name: string, fn: (d: Delivery) => void) => {
      listeners.set(name, fn);
      return () => listeners.delete(name);
    },
    onConnection: () => () => undefined,
  } as unknown as Client);
  const view = render(<OutboxView />);
  const row = await view.findByText('order_noted');
  expect(row).toBeTruthy();
  expect(view.container.querySelector('.delivery')?.textContent).toMatch(/Failed/);

  await act(async () => {
    view.getByRole('button', { name: /Retry now/ }).click();
  });
  // The delivery goes through before the POST's answer reaches the page.
  const delivered = delivery({ status: 'delivered', attempts: [attempt(1, 500), attempt(2, 200)] });
  act(() => listeners.get('delivery.updated')!(delivered));
  await act(async () => answer(delivery({ status: 'pending', attempts: [attempt(1, 500)] })));

  expect(view.container.querySelector('.delivery')?.textContent).toMatch(/Delivered/);
  expect(view.container.querySelector('.delivery')?.textContent).not.toMatch(/Pending/);
});
