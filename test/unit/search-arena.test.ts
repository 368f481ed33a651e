// Search texts of new events wait in an off-heap arena until their segment is
// checkpointed (store/search-arena.ts): found the same wherever they are kept.
import { describe, expect, it } from 'vitest';
import { ARENA_CHUNK_BYTES, SearchArena } from '../../electron/engine/store/search-arena';
import { EventIndex, PENDING } from '../../electron/engine/store/event-index';
import { eventSummary } from '../helpers/summary';

const summary = (at: number) => eventSummary({ at });

describe('SearchArena', () => {
  it('gives back each text exactly, ASCII or not, across chunks', () => {
    const arena = new SearchArena();
    const texts = Array.from(
      { length: 5000 },
      (_, i) => `evt_${i} maria ${'ü€𝄞'.repeat(i % 7)} ${'x'.repeat(i % 400)}`,
    );
    const handles = texts.map((t) => [arena.put(t), arena.lastBytes] as const);
    expect(arena.chunkCount).toBeGreaterThan(1);
    texts.forEach((t, i) => expect(arena.get(handles[i]![0], handles[i]![1])).toBe(t));
  });

  it('frees a full chunk once every text in it is released, and never the one being filled', () => {
    const arena = new SearchArena();
    const text = 'y'.repeat(1000);
    const handles: number[] = [];
    while (arena.chunkCount < 3) handles.push(arena.put(text));
    const first = handles.filter((h) => h < ARENA_CHUNK_BYTES);
    for (const h of first.slice(1)) arena.release(h);
    expect(arena.chunkCount).toBe(3); // one text still held in the first chunk
    arena.release(first[0]!);
    expect(arena.chunkCount).toBe(2);
    const last = handles.filter((h) => h >= 2 * ARENA_CHUNK_BYTES);
    for (const h of last) arena.release(h);
    expect(arena.chunkCount).toBe(2); // the current chunk stays for the next text
  });

  it('never keeps a chunk that emptied while it was the newest (checkpoint after checkpoint)', () => {
    const arena = new SearchArena();
    const text = 'z'.repeat(1000);
    for (let round = 0; round < 20; round++) {
      // A chunk filled almost to its end, all of it checkpointed (released), then the next text.
      const handles = Array.from({ length: 1046 }, () => arena.put(text));
      for (const h of handles) arena.release(h);
      arena.release(arena.put(text));
    }
    expect(arena.chunkCount).toBe(1);
  });
});

describe('EventIndex search texts in the arena', () => {
  it('finds new events before, during and after the checkpoint moves their texts to the heap', () => {
    const idx = new EventIndex();
    const base = Date.now() - 10_000_000;
    const all = Array.from({ length: 3000 }, (_, i) => summary(base + i));
    all.forEach((s, i) => idx.add(s, PENDING, false, `${s.id} order-${i} ${i % 10 === 1 ? 'maria' : 'mug'}`));
    expect(idx.arenaChunks).toBe(1);
    expect(idx.get(all[0]!.id)!.t).toBeNull();

    const find = (q: string) => idx.list({ limit: 5000, q }).items.map((s) => s.id);
    expect(find('order-2999')).toEqual([all[2999]!.id]);
    expect(find('María')).toHaveLength(300);
    expect(idx.get(all[2999]!.id)!.t).toBeNull(); // read from the arena

    // A checkpoint's sidecar takes the rest in order and they leave the arena.
    const entries = all.map((s) => idx.get(s.id)!);
    const texts = idx.settleTexts(entries);
    expect(texts[1234]).toBe(`${all[1234]!.id} order-1234 mug`);
    expect(texts[2999]).toBe(`${all[2999]!.id} order-2999 mug`);
    expect(entries.every((e) => e.t !== null)).toBe(true);
    expect(find('order-2999')).toEqual([all[2999]!.id]);
    expect(find('maria')).toHaveLength(300);

    // Removing and replacing keep the arena's counts right.
    const late = summary(base + 5000);
    idx.add(late, PENDING, false, `${late.id} refund`);
    expect(find('refund')).toEqual([late.id]);
    idx.add({ ...late, redeliveries: 1 }, PENDING, false, `${late.id} refunded`);
    expect(find('refunded')).toEqual([late.id]);
    idx.remove(new Set([late.id]));
    expect(find('refund')).toEqual([]);
  });

  it('settles mixed texts exactly: ASCII and accented runs, heap-kept ones, out of arena order, across chunks', () => {
    const idx = new EventIndex();
    const base = Date.now() - 10_000_000;
    const all = Array.from({ length: 6000 }, (_, i) => summary(base + i));
    const textOf = (i: number) =>
      i % 997 === 5
        ? `${all[i]!.id} lone \ud800 half` // stays on the heap
        : `${all[i]!.id} ${i % 13 === 0 ? 'maria 𝄞 ☕ garcia' : 'mug'} ${'n'.repeat(i % 300)}`;
    // Applied out of id order here and there (a later commit of an older id): runs break.
    const order = all.map((_, i) => i);
    for (let i = 0; i + 1 < order.length; i += 50) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
    for (const i of order) idx.add(all[i]!, PENDING, false, textOf(i));
    expect(idx.arenaChunks).toBeGreaterThan(1);

    const entries = all.map((s) => idx.get(s.id)!);
    const texts = idx.settleTexts(entries);
    all.forEach((_, i) => {
      expect(texts[i]).toBe(textOf(i));
      expect(idx.textOf(entries[i]!)).toBe(textOf(i));
    });
    expect(idx.arenaChunks).toBe(1); // all but the chunk being filled are freed
    expect(idx.list({ limit: 10_000, q: 'garcia' }).items).toHaveLength(Math.ceil(6000 / 13));
  });

  it('keeps a text with a lone surrogate exactly (on the heap: UTF-8 cannot hold it)', () => {
    const idx = new EventIndex();
    const s = summary(Date.now());
    const text = `${s.id} broken \ud800 half`;
    idx.add(s, PENDING, false, text);
    expect(idx.textOf(idx.get(s.id)!)).toBe(text);
    expect(idx.list({ limit: 5, q: '\ud800' }).items.map((x) => x.id)).toEqual([s.id]);
  });
});
