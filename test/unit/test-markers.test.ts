// The pure rules behind test events, test runs and the "Duplicate" filter (issue #11):
// what the day's counts leave out, what the status filter means, and which runs speak
// for their event, on the server's index and in the renderer's live twin alike.
import { describe, expect, it } from 'vitest';
import { apiArgs } from '../../shared/api';
import type { EventSummary, Run } from '../../shared/types';
import { ranOf } from '../../electron/engine/automations/runs';
import { eventStatusFor } from '../../shared/statuses';
import { createTestMarks, TEST_HEADER } from '../../electron/engine/receiver/test-marks';
import { EventIndex, PENDING } from '../../electron/engine/store/event-index';
import { NO_FILTERS, matchesFilters } from '../../renderer/views/feed/feedModel';

const NOW = Date.now();
let n = 0;

function summary(over: Partial<EventSummary> = {}): EventSummary {
  n++;
  return {
    id: `evt_${String(n).padStart(6, '0')}`,
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    status: 'received',
    receivedAt: new Date(NOW).toISOString(),
    providerEventId: `p_${n}`,
    verification: { ok: true, reason: null },
    summary: null,
    sizeBytes: 10,
    redeliveries: 0,
    replayOf: null,
    ...over,
  };
}

const run = (over: Partial<Run>): Run => ({
  id: `run_${++n}`,
  eventId: 'evt_x',
  automationId: 'a',
  status: 'succeeded',
  attempts: [],
  nextAttemptAt: null,
  createdAt: new Date(NOW).toISOString(),
  ...over,
});

describe("the day's counts", () => {
  it('leave out test events and edited copies, whether counted at once or kept up to date', () => {
    const index = new EventIndex();
    index.add(summary(), PENDING);
    index.add(summary({ test: true }), PENDING);
    index.add(summary({ replayOf: 'evt_000001' }), PENDING);
    index.add(summary({ status: 'rejected', test: true }), PENDING);
    expect(index.eventCounts(NOW)).toEqual({ events: 4, eventsToday: 1, rejectedToday: 0 });
    // Kept up to date from here on (the cached path).
    index.add(summary({ status: 'rejected' }), PENDING);
    const test = summary({ test: true });
    index.add(test, PENDING);
    index.update(test.id, { status: 'failed' });
    expect(index.eventCounts(NOW)).toEqual({ events: 6, eventsToday: 2, rejectedToday: 1 });
    index.remove(new Set([test.id]));
    expect(index.eventCounts(NOW)).toEqual({ events: 5, eventsToday: 2, rejectedToday: 1 });
  });
});

describe('the "Duplicate" status filter', () => {
  it('means "sent more than once" on the server and in the live feed', () => {
    const index = new EventIndex();
    const once = summary();
    const twice = summary({ redeliveries: 1 });
    index.add(once, PENDING);
    index.add(twice, PENDING);
    expect(index.list({ status: 'duplicate', limit: 50 }).items.map((e) => e.id)).toEqual([twice.id]);
    expect(index.list({ status: 'received', limit: 50 }).items).toHaveLength(2);
    expect(matchesFilters(twice, { ...NO_FILTERS, status: 'duplicate' })).toBe(true);
    expect(matchesFilters(once, { ...NO_FILTERS, status: 'duplicate' })).toBe(false);
  });
});

describe('runs and their event', () => {
  it('a "Test it" run never decides the event\'s status nor its feed line', () => {
    const real = run({ automationId: 'note', status: 'succeeded', reason: 'event' });
    const test = run({ automationId: 'label', status: 'failed', reason: 'test', test: true });
    expect(eventStatusFor([real, test])).toBe('done');
    expect(eventStatusFor([test])).toBeNull();
    expect(ranOf([real, test])).toEqual([{ automationId: 'note', status: 'succeeded' }]);
    // A run on a test event the owner asked for does speak for that (test) event.
    expect(eventStatusFor([run({ status: 'failed', reason: 'event', test: true })])).toBe('failed');
    // Runs stored before reasons existed count as arrivals.
    expect(eventStatusFor([run({ status: 'failed' })])).toBe('failed');
  });
});

describe('POST /api/sources/:id/test', () => {
  it('runs no automation unless the request asks for it', () => {
    expect(apiArgs.sendTestEvent.parse({ id: 'shop' })).toEqual({ id: 'shop', runAutomations: false });
    expect(apiArgs.sendTestEvent.parse({ id: 'shop', runAutomations: true }).runAutomations).toBe(true);
    expect(apiArgs.sendTestEvent.safeParse({ id: 'shop', runAutomations: 'yes' }).success).toBe(false);
  });
});

describe('test marks', () => {
  it('mark only a request with a live token, once, and take the header off', () => {
    const marks = createTestMarks();
    const { token, release } = marks.issue({ runAutomations: true });
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const headers: Record<string, string> = { [TEST_HEADER]: token, 'x-other': '1' };
    expect(marks.claim(headers)).toEqual({ runAutomations: true });
    expect(headers).toEqual({ 'x-other': '1' });
    expect(marks.claim({ [TEST_HEADER]: token })).toBeNull(); // used
    const second = marks.issue({ runAutomations: false });
    second.release();
    const forged = { [TEST_HEADER]: second.token };
    expect(marks.claim(forged)).toBeNull(); // released
    expect(forged[TEST_HEADER]).toBe(second.token); // not ours: kept as sent
    release();
  });
});
