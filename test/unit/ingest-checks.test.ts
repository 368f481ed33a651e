// The per-request checks made cheaper for ack throughput keep their answers:
// the JSON depth scan (skipped when a text has too few brackets to nest that
// deep), the search text's noise filter (picked by first character) and its
// separator, the form-encoded payload completed in place, and the in-flight
// body budget's floor.
import { describe, expect, it } from 'vitest';
import { inFlightBodyBudget, MIN_IN_FLIGHT_BODY_BYTES } from '../../electron/engine/receiver/admission';
import { parseDelivery } from '../../electron/engine/receiver/formats';
import { getProvider } from '../../electron/engine/receiver/providers';
import { MAX_JSON_DEPTH, nestsDeeperThan, payloadOfText } from '../../electron/engine/store/event-payload';
import { searchTerms, searchTextOf, matchesTerms } from '../../electron/engine/store/search-text';
import { makeEvent } from '../engine/store-helpers';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('nestsDeeperThan', () => {
  it('is true from max + 1 levels, false at max', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(`{"a":${'{"b":'.repeat(300)}1${'}'.repeat(301)}`, MAX_JSON_DEPTH)).toBe(true);
  });

  it('counts both bracket kinds together toward the skip', () => {
    const mixed = '[{'.repeat(130) + '}]'.repeat(130); // 260 levels, 130 of each kind
    expect(nestsDeeperThan(mixed, MAX_JSON_DEPTH)).toBe(true);
  });

  it('is false for many brackets side by side, or brackets inside strings', () => {
    expect(nestsDeeperThan(`[${Array(600).fill('{}').join(',')}]`, MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ s: '['.repeat(600) }), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ s: '"[' + '['.repeat(600) }), MAX_JSON_DEPTH)).toBe(false);
  });

  it('is false for a long body with few brackets (the common webhook)', () => {
    expect(nestsDeeperThan(JSON.stringify({ id: 1, note: 'x'.repeat(5000) }), MAX_JSON_DEPTH)).toBe(false);
  });

  it('payloadOfText keeps a too-deep body as text and parses the rest', () => {
    expect(payloadOfText(nested(MAX_JSON_DEPTH + 1))).toEqual({
      payload: nested(MAX_JSON_DEPTH + 1),
      json: false,
      tooDeep: true,
    });
    expect(payloadOfText('{"a":[1,2]}')).toEqual({ payload: { a: [1, 2] }, json: true });
  });
});

describe('parseDelivery completes one object', () => {
  const gh = getProvider('github');
  const form = 'application/x-www-form-urlencoded';

  it("GitHub's form field: the payload is its JSON, the body the raw text", () => {
    const raw = 'payload=' + encodeURIComponent('{"action":"opened","n":1}');
    expect(parseDelivery(gh, Buffer.from(raw), form)).toEqual({
      body: { text: raw },
      payload: { action: 'opened', n: 1 },
      json: true,
      documented: true,
    });
  });

  it('a form field nested too deep stays text and is not documented', () => {
    const raw = 'payload=' + encodeURIComponent(nested(MAX_JSON_DEPTH + 1));
    expect(parseDelivery(gh, Buffer.from(raw), form)).toEqual({
      body: { text: raw },
      payload: raw,
      json: false,
      tooDeep: true,
      documented: false,
    });
  });

  it('plain JSON is documented, without a tooDeep flag', () => {
    expect(parseDelivery(gh, Buffer.from('{"a":1}'), 'application/json')).toEqual({
      body: { text: '{"a":1}' },
      payload: { a: 1 },
      json: true,
      documented: true,
    });
  });
});

describe('search text', () => {
  const textOf = (payload: unknown) => searchTextOf({ ...makeEvent(1), summary: null, payload });

  it('leaves out links, Shopify ids, timestamps and hashes, whatever their case', () => {
    const text = textOf({
      a: 'https://shop.example/orders/1',
      b: 'HTTP://EXAMPLE.COM/x',
      c: 'gid://shopify/Order/1',
      d: '2024-05-01T10:00:00Z',
      e: 'ABCDEF0123456789abcdef0123',
      f: '0123456789abcdef01234567',
    });
    for (const noise of [
      'shop.example',
      'example.com',
      'gid:',
      '2024-05-01t',
      'abcdef0123456789',
      '0123456789abcdef01',
    ])
      expect(text).not.toContain(noise);
  });

  it('keeps leaves that only start like noise', () => {
    const text = textOf({
      a: 'hello',
      b: 'Gift card',
      c: 'deadbeef',
      d: '2024',
      e: 'abcdefabcdefabcdefabcdefxyz',
      f: 'gid-less',
      g: 1042,
    });
    for (const kept of ['hello', 'gift card', 'deadbeef', '2024', 'abcdefabcdefabcdefabcdefxyz', 'gid-less', '1042'])
      expect(text).toContain(kept);
  });

  it('parts are separated by one space, never a newline, and a word never spans two parts', () => {
    const text = textOf({ first: 'maria', second: 'garcia' });
    expect(text).not.toContain('\n');
    expect(text).toContain('maria garcia');
    expect(matchesTerms(text, searchTerms('maria garcia')!)).toBe(true);
    expect(matchesTerms(text, searchTerms('mariagarcia')!)).toBe(false);
  });
});

describe('in-flight body budget', () => {
  it('is 16 MiB at least, else two maximal bodies (bytes)', () => {
    expect(MIN_IN_FLIGHT_BODY_BYTES).toBe(16 * 1024 * 1024);
    expect(inFlightBodyBudget(5 * 1024 * 1024)).toBe(16 * 1024 * 1024);
    expect(inFlightBodyBudget(10 * 1024 * 1024)).toBe(20 * 1024 * 1024);
  });
});
