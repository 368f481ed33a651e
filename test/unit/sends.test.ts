import { describe, expect, it } from 'vitest';
import { checkDestinations, parseSendLine, SendCollector } from '../../electron/engine/actions/script/sends';
import { CappedOutput, LineScanner } from '../../electron/engine/actions/script/output';

describe('parseSendLine', () => {
  it('reads a send line', () => {
    expect(
      parseSendLine('{"send":{"destination":"analytics","type":"agent_action_completed","data":{"ok":true}}}', 4),
    ).toEqual({
      send: { destination: 'analytics', type: 'agent_action_completed', data: { ok: true }, line: 4 },
    });
    expect(parseSendLine('  {"send":{"destination":"a","type":"t"}}\r', 1)).toEqual({
      send: { destination: 'a', type: 't', data: null, line: 1 },
    });
  });

  it('ignores lines that are not send lines', () => {
    for (const line of [
      '',
      'hello',
      '{"sent":1}',
      '{"data":{"send":1}}',
      '["send"]',
      '{"send": broken',
      'send {"send":1}',
      'null',
    ]) {
      expect(parseSendLine(line, 1)).toBeNull();
    }
  });

  it('explains a send line that is malformed', () => {
    expect(parseSendLine('{"send":"analytics"}', 2)).toEqual({ error: expect.stringContaining('stdout line 2') });
    expect(parseSendLine('{"send":{"type":"x"}}', 3)).toEqual({ error: expect.stringContaining('"destination"') });
    expect(parseSendLine('{"send":{"destination":"a"}}', 3)).toEqual({ error: expect.stringContaining('"type"') });
  });
});

describe('SendCollector', () => {
  it('counts lines, keeps sends and errors, and caps the number of sends', () => {
    const c = new SendCollector(2);
    c.push('log line');
    c.push('{"send":{"destination":"a","type":"t1"}}');
    c.push('{"send":{"destination":"b"}}');
    c.push('{"send":{"destination":"a","type":"t2"}}');
    c.push('{"send":{"destination":"a","type":"t3"}}');
    expect(c.sends.map((s) => [s.type, s.line])).toEqual([
      ['t1', 2],
      ['t2', 4],
    ]);
    expect(c.allErrors()).toHaveLength(2);
    expect(c.allErrors()[1]).toMatch(/1 more sends were ignored/);
  });
});

describe('checkDestinations', () => {
  it('turns unknown destinations into errors', () => {
    const sends = [
      { destination: 'known', type: 't', data: 1, line: 1 },
      { destination: 'nope', type: 't', data: 2, line: 7 },
    ];
    const result = checkDestinations(sends, { destinations: [{ id: 'known' }] as never });
    expect(result.ok.map((s) => s.destination)).toEqual(['known']);
    expect(result.errors).toEqual([
      'stdout line 7: there is no destination "nope", so nothing was sent: add it in the Outbox, then retry the failed send there.',
    ]);
  });

  it('matches a destination as the owner typed it: id or name, any case', () => {
    const destinations = [
      { id: 'bookkeeper', name: 'Bookkeeper' },
      { id: 'crm-eu', name: 'CRM (Europe)' },
    ] as never;
    const sends = ['Bookkeeper', 'BOOKKEEPER', ' bookkeeper ', 'crm (europe)', 'CRM EU', 'crm'].map(
      (destination, i) => ({
        destination,
        type: 't',
        data: null,
        line: i + 1,
      }),
    );
    const result = checkDestinations(sends, { destinations });
    expect(result.ok.map((s) => s.line)).toEqual([1, 2, 3, 4, 5]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain('"crm"');
  });

  it('keeps what can be read of a malformed send line, to show it as a failed send', () => {
    const c = new SendCollector();
    c.push('{"send":{"destination":"Bookkeeper","data":{}}}');
    c.push('{"send":"oops"}');
    expect(c.sends).toEqual([]);
    expect(c.invalid.map(({ destination, type, line }) => ({ destination, type, line }))).toEqual([
      { destination: 'Bookkeeper', type: '', line: 1 },
      { destination: '', type: '', line: 2 },
    ]);
    expect(c.invalid[0].error).toMatch(/needs a "type"/);
  });
});

describe('CappedOutput', () => {
  it('keeps everything under the cap', () => {
    const out = new CappedOutput(100, 20);
    out.push(Buffer.from('a'.repeat(60)));
    out.push(Buffer.from('b'.repeat(40)));
    expect(out.truncated).toBe(false);
    expect(out.text()).toBe('a'.repeat(60) + 'b'.repeat(40));
  });

  it('keeps the start and the end past the cap, and says what was cut', () => {
    const out = new CappedOutput(100, 20);
    for (let i = 0; i < 50; i++) out.push(Buffer.from(String(i % 10).repeat(10)));
    out.push(Buffer.from('THE-END'));
    expect(out.truncated).toBe(true);
    const text = out.text();
    expect(text.startsWith('0'.repeat(10) + '1'.repeat(10))).toBe(true);
    expect(text.endsWith('THE-END')).toBe(true);
    expect(text).toMatch(/407 bytes cut/);
    expect(Buffer.byteLength(text)).toBeLessThan(200);
  });
});

describe('LineScanner', () => {
  it('splits lines across chunks and gives the last unterminated one at end', () => {
    const lines: string[] = [];
    const s = new LineScanner((l) => lines.push(l), 10);
    s.push(Buffer.from('ab'));
    s.push(Buffer.from('c\r\nde\n\nf'));
    s.push(Buffer.from('g'));
    s.end();
    expect(lines).toEqual(['abc', 'de', '', 'fg']);
  });

  it('skips a line longer than the limit, and only that line', () => {
    const lines: string[] = [];
    const s = new LineScanner((l) => lines.push(l), 10);
    s.push(Buffer.from('short\n' + 'x'.repeat(25)));
    s.push(Buffer.from('yyy\nafter\n'));
    s.end();
    expect(lines).toEqual(['short', 'after']);
  });
});
