// @vitest-environment happy-dom
// An outgoing webhook in the Outbox: what the other side answered is shown also
// when the attempt failed, each attempt with its clock time, and the payload sent.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../shared/types';
import { appStore } from '../../renderer/api/store';
import { DeliveryItem, lastResponse } from '../../renderer/views/outbox/DeliveryItem';
import { attemptOutcome } from '../../renderer/views/outbox/DeliveryAttempts';
import { clockTime, deliveryWord, eventWord, runWord } from '../../renderer/lib/statusWords';
import { namesOf } from '../../renderer/lib/names';

afterEach(() => {
  cleanup();
  appStore.set({ config: null });
});

const at = (h: number, m: number, s = 0) => new Date(2026, 10, 30, h, m, s).toISOString();

const failed: Delivery = {
  id: 'dlv_1',
  destinationId: 'books',
  type: 'refund_noted',
  status: 'failed',
  webhookId: 'msg_1',
  data: { order: 1042, amount: '12.50' },
  eventId: null,
  runId: null,
  attempts: [
    { attempt: 1, at: at(14, 0, 5), statusCode: null, durationMs: 3, responseBody: null, error: 'Connection refused' },
    {
      attempt: 2,
      at: at(14, 5, 9),
      statusCode: 422,
      durationMs: 120,
      responseBody: '{"error":"sheet is locked"}',
      error: 'HTTP 422',
    },
  ],
  nextAttemptAt: null,
  createdAt: at(14, 0, 4),
};

describe('a delivery in the Outbox', () => {
  it("shows the other side's answer on failure, each attempt at its clock time, and the payload", () => {
    appStore.set({ config: { destinations: [{ id: 'books', name: 'Bookkeeper' }] } as never });
    expect(lastResponse(failed)).toBe('422 in 120 ms: {"error":"sheet is locked"}');
    const view = render(
      <ul>
        <DeliveryItem delivery={failed} />
      </ul>,
    );
    expect(view.container.textContent).toContain('to Bookkeeper');
    const attempts = [...view.container.querySelectorAll('.delivery-attempts li')].map((li) => li.textContent);
    expect(attempts[0]).toContain('Attempt 2 at 14:05:09 · 422 in 120 ms — HTTP 422');
    expect(attempts[0]).toContain('{"error":"sheet is locked"}');
    expect(attempts[1]).toContain('Attempt 1 at 14:00:05 · Connection refused');
    expect(view.getByLabelText('Payload sent').textContent).toBe(
      JSON.stringify({ type: 'refund_noted', data: { order: 1042, amount: '12.50' } }, null, 2),
    );
  });

  it("shows Hookdock's reason for not sending as a sentence, and the other side's answer as code", () => {
    const reason = 'There is no destination "Bookkeeper": add it in the Outbox (Destinations), then retry this send.';
    const unsent: Delivery = {
      ...failed,
      attempts: [{ attempt: 1, at: at(14, 0), statusCode: null, durationMs: 0, responseBody: null, error: reason }],
    };
    const view = render(
      <ul>
        <DeliveryItem delivery={unsent} />
        <DeliveryItem delivery={{ ...failed, id: 'dlv_2' }} />
      </ul>,
    );
    const [first, second] = [...view.container.querySelectorAll('.delivery-response')];
    expect(first!.textContent).toBe(`Not sent: ${reason}`);
    expect(first!.querySelector('code')).toBeNull();
    expect(second!.textContent).toBe('Last answer: 422 in 120 ms: {"error":"sheet is locked"}');
    expect(second!.querySelector('code')?.textContent).toBe('422 in 120 ms: {"error":"sheet is locked"}');
  });

  it('words an attempt outcome', () => {
    expect(attemptOutcome({ ...failed.attempts[1]!, error: null })).toBe('422 in 120 ms');
    expect(attemptOutcome(failed.attempts[0]!)).toBe('Connection refused');
  });
});

describe('status words', () => {
  const now = new Date(2026, 10, 30, 13, 0).getTime();
  it('say when a retry is due and that paused is paused', () => {
    const retrying = { status: 'retrying' as const, nextAttemptAt: at(14, 2) };
    expect(clockTime(at(14, 2), now)).toBe('14:02');
    expect(eventWord('processing', [retrying], false, now).label).toBe('Retrying at 14:02');
    expect(eventWord('processing', [{ status: 'retrying' }], false, now).label).toBe('Retrying');
    expect(eventWord('processing', [{ status: 'queued' }], true, now).label).toBe('Paused');
    expect(eventWord('processing', [{ status: 'running' }], true, now).label).toBe('Running');
    expect(eventWord('done', [], true, now).label).toBe('Done');
    expect(runWord(retrying, false, now).label).toBe('Retrying at 14:02');
    expect(runWord({ status: 'queued', nextAttemptAt: null }, true, now).label).toBe('Paused');
    expect(deliveryWord({ status: 'retrying', nextAttemptAt: at(14, 2) }, now).label).toBe('Retrying at 14:02');
    expect(clockTime(new Date(2026, 10, 30 + 9, 8, 5).toISOString(), now)).toBe('9 Dec 08:05');
  });

  it('names come from the config, falling back to the id', () => {
    const names = namesOf({
      sources: [{ id: 'shop', name: 'My shop' }, { id: 'raw' }],
      automations: [{ id: 'a1', name: '  ' }],
    });
    expect(names.source('shop')).toBe('My shop');
    expect(names.source('raw')).toBe('raw');
    expect(names.source('gone')).toBe('gone');
    expect(names.source('*')).toBe('any source');
    expect(names.automation('a1')).toBe('a1');
  });
});
