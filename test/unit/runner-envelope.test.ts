// The script envelope's JSON: the body's own bytes as the payload when it is
// JSON (ids past 2^53 keep their digits), the text as a string when it is not.
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../electron/engine/store/types';
import { envelopeJson, envelopeOf } from '../../electron/engine/actions/envelope';
import { editedCopy } from '../../electron/engine/automations/handlers';

function event(body: StoredEvent['body'], payload: unknown): StoredEvent {
  return {
    id: 'evt_1',
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    status: 'received',
    receivedAt: '2026-11-27T08:00:00.000Z',
    providerEventId: null,
    verification: { ok: true, reason: null },
    summary: null,
    sizeBytes: 0,
    redeliveries: 0,
    replayOf: null,
    // A header that spells the splice point must not confuse anything.
    headers: { 'x-note': '"payload":{"id":1}}', 'content-type': 'application/json' },
    body,
    payload,
  };
}
const fromText = (text: string) => event({ text }, JSON.parse(text.replace(/^\uFEFF/, '')));

describe('envelopeJson', () => {
  it('splices a JSON body in byte for byte: big ids, number spelling and spacing survive', () => {
    const text = '{ "id": 820982911946155508, "total": 59.00, "items": [ {"id": 1e3} ] }';
    const json = envelopeJson(fromText(text));
    expect(json.endsWith(`,"payload":${text}}`)).toBe(true);
    expect(json).toContain('820982911946155508');
    // Everything else is what it always was.
    const parsed = JSON.parse(json);
    expect({ ...parsed, payload: undefined }).toEqual({ ...envelopeOf(fromText(text)), payload: undefined });
    expect(parsed.payload.total).toBe(59);
  });

  it('keeps top-level JSON that is not an object (arrays, strings, numbers) as JSON', () => {
    for (const text of ['[820982911946155508, 2]', '"a string"', '820982911946155508', 'null']) {
      const json = envelopeJson(fromText(text));
      expect(json.endsWith(`,"payload":${text}}`)).toBe(true);
      expect(() => JSON.parse(json)).not.toThrow();
    }
  });

  it('drops a byte-order mark, which JSON refuses', () => {
    const json = envelopeJson(fromText('\uFEFF{"id": 820982911946155508}'));
    expect(json.endsWith(',"payload":{"id": 820982911946155508}}')).toBe(true);
    expect(JSON.parse(json).headers['x-note']).toBe('"payload":{"id":1}}');
  });

  it('gives a body that is not JSON as its text, and a binary one as today', () => {
    const form = 'id=820982911946155508&x="}';
    expect(JSON.parse(envelopeJson(event({ text: form }, form))).payload).toBe(form);
    const binary = event({ base64: Buffer.from([0xff, 0xfe]).toString('base64') }, '\ufffd\ufffd');
    expect(envelopeJson(binary)).toBe(JSON.stringify(envelopeOf(binary)));
  });

  it('carries an edited copy by its own body text', () => {
    const copy = editedCopy(
      fromText('{"id": 820982911946155508}'),
      { payload: { id: 'edited', n: [1, 2] } },
      Date.now(),
    );
    expect(copy.replayOf).toBe('evt_1');
    expect(envelopeJson(copy).endsWith(',"payload":{"id":"edited","n":[1,2]}}')).toBe(true);
    const asText = editedCopy(fromText('{"id": 1}'), { payload: 'just text' }, Date.now());
    expect(JSON.parse(envelopeJson(asText)).payload).toBe('just text');
  });

  it('keeps edited text byte for byte: an id beyond 2^53 reaches the script whole', () => {
    const edited = '{\n  "id": 820982911946155509,\n  "note": "edited"\n}';
    const copy = editedCopy(fromText('{"id": 820982911946155508}'), { text: edited }, Date.now());
    expect(copy.body).toEqual({ text: edited });
    expect(envelopeJson(copy).endsWith(`,"payload":${edited}}`)).toBe(true);
    // The feed's line is the edited payload's, not the original's.
    const order = editedCopy(
      { ...fromText('{"name":"#1001","total_price":"59.00","currency":"USD"}'), summary: 'Order #1001 — $59.00' },
      { text: '{"name":"#1001","total_price":"77.00","currency":"USD"}' },
      Date.now(),
    );
    expect(order.summary).toMatch(/\$77\.00/);
    // A form body edited as text stays text.
    const form = editedCopy(event({ text: 'a=1' }, 'a=1'), { text: 'a=2&b=3' }, Date.now());
    expect(JSON.parse(envelopeJson(form)).payload).toBe('a=2&b=3');
  });
});
