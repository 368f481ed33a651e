// A large upload that finds its budget full waits in line (receiver/admission.ts):
// let in, first come first served, as room comes back; 503 busy after WAIT_MS.
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUploadBudget, SMALL_BODY_MAX_AGE_MS, WAIT_MS } from '../../electron/engine/receiver/admission';

afterEach(() => vi.useRealTimers());

/** An upload still sending its body (its socket's read count is what the stall watch samples). */
const upload = () =>
  ({
    destroyed: false,
    complete: false,
    headers: {},
    socket: { bytesRead: 0, destroy() {} },
  }) as unknown as IncomingMessage & {
    socket: { bytesRead: number };
  };

describe('large uploads wait in line for room', () => {
  it('lets waiters in first come first served as room comes back, ahead of later uploads; expires the rest', () => {
    vi.useFakeTimers();
    let t = 0;
    const budget = createUploadBudget({ now: () => t });
    const holder = upload();
    expect(budget.reserve(holder, 100, 100)).toBe(true);
    const events: string[] = [];
    const first = upload();
    const second = upload();
    expect(budget.reserve(first, 60, 100)).toBe(false);
    budget.wait(
      first,
      60,
      100,
      () => events.push('first in'),
      () => events.push('first 503'),
    );
    budget.wait(
      second,
      60,
      100,
      () => events.push('second in'),
      () => events.push('second 503'),
    );
    // A later upload that would fit once room comes back never goes ahead of those waiting.
    expect(budget.reserve(upload(), 1, 100)).toBe(false);

    // The holder keeps sending (never stalled): nobody gets in yet.
    for (let i = 0; i < 5; i++) {
      holder.socket.bytesRead += 4096;
      t += 100;
      vi.advanceTimersByTime(100);
    }
    expect(events).toEqual([]);

    budget.bodyRead(holder); // read: its 100 bytes are free
    vi.advanceTimersByTime(100);
    expect(events).toEqual(['first in']); // 60 fit, 60 more do not
    expect(budget.inFlight()).toBe(60);

    t += WAIT_MS;
    first.socket.bytesRead += 4096; // still moving: not shed for the second
    vi.advanceTimersByTime(100);
    expect(events).toEqual(['first in', 'second 503']);
  });

  it('forgets a waiter whose sender has gone, and sheds a stalled holder for the next', () => {
    vi.useFakeTimers();
    let t = 0;
    const budget = createUploadBudget({ now: () => t });
    const holder = upload();
    budget.reserve(holder, 100, 100);
    const gone = upload();
    const next = upload();
    const events: string[] = [];
    budget.wait(
      gone,
      50,
      100,
      () => events.push('gone in'),
      () => events.push('gone 503'),
    );
    budget.wait(
      next,
      50,
      100,
      () => events.push('next in'),
      () => events.push('next 503'),
    );
    (gone as { destroyed: boolean }).destroyed = true;
    t += 1000; // the holder has sent nothing for a second: stalled
    vi.advanceTimersByTime(100);
    expect(events).toEqual(['next in']);
    expect(budget.inFlight()).toBe(50);
  });

  it('closes a webhook-sized upload still arriving after maxAgeMs, however steadily it trickles', () => {
    vi.useFakeTimers();
    let t = 0;
    const budget = createUploadBudget({ now: () => t, maxAgeMs: SMALL_BODY_MAX_AGE_MS });
    const holder = upload();
    let closed = false;
    (holder.socket as unknown as { destroy: () => void }).destroy = () => (closed = true);
    budget.reserve(holder, 100, 100);
    const events: string[] = [];
    const genuine = upload();
    budget.wait(
      genuine,
      0,
      100,
      () => events.push('in'),
      () => events.push('503'),
    );
    // It sends 2 KiB a second: never stalled by the 1 KiB/s rule.
    for (let s = 0; s < 4; s++) {
      holder.socket.bytesRead += 2048;
      t += 1000;
      vi.advanceTimersByTime(100);
    }
    expect(events).toEqual([]);
    expect(closed).toBe(false);
    holder.socket.bytesRead += 2048;
    t += 1000; // 5 s since it started
    vi.advanceTimersByTime(100);
    expect(closed).toBe(true);
    expect(events).toEqual(['in']);
  });

  it('lets a waiting upload that fits go ahead of an earlier one that does not fit yet', () => {
    vi.useFakeTimers();
    const t = 0;
    const budget = createUploadBudget({ now: () => t });
    const holder = upload();
    budget.reserve(holder, 80, 100);
    const events: string[] = [];
    budget.wait(
      upload(),
      60,
      100,
      () => events.push('big in'),
      () => events.push('big 503'),
    );
    budget.wait(
      upload(),
      20,
      100,
      () => events.push('small in'),
      () => events.push('small 503'),
    );
    holder.socket.bytesRead += 4096;
    vi.advanceTimersByTime(100);
    expect(events).toEqual(['small in']); // 20 fit beside the holder's 80; 60 do not
  });

  it('closes a large upload that falls behind the pace its length needs, though it never stalls', () => {
    vi.useFakeTimers();
    let t = 0;
    const budget = createUploadBudget({ now: () => t });
    const declared = 5_000_000;
    const holder = Object.assign(upload(), { headers: { 'content-length': String(declared) } });
    let closed = false;
    (holder.socket as unknown as { destroy: () => void }).destroy = () => (closed = true);
    budget.reserve(holder, declared, declared);
    const events: string[] = [];
    budget.wait(
      upload(),
      1_000_000,
      declared,
      () => events.push('in'),
      () => events.push('503'),
    );
    // 1.5 KB a second: "moving" by the 1 KiB/s rule, but 5 MB would take an hour.
    holder.socket.bytesRead += 1500;
    t += 500;
    vi.advanceTimersByTime(100);
    expect(closed).toBe(false); // too early to judge its pace
    holder.socket.bytesRead += 1500;
    t += 700;
    vi.advanceTimersByTime(100);
    expect(closed).toBe(true);
    expect(events).toEqual(['in']);
  });
});
