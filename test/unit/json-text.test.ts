// The dashboard shows and edits payloads from their own text: re-indented,
// never through numbers (ids beyond 2^53 stay exact).
import { describe, expect, it } from 'vitest';
import { payloadText, prettyJsonText } from '../../renderer/lib/jsonText';

describe('prettyJsonText', () => {
  it('indents like JSON.stringify(…, null, 2) where numbers are safe', () => {
    const cases = [
      '{"a":1,"b":[1,2,{"c":null}],"d":{},"e":[],"f":"x"}',
      '[ { "k" : true } , false , -1.5 ]',
      '"just a string"',
      '42',
      '{"nested":{"deeper":{"deepest":[[],[{}]]}}}',
    ];
    for (const text of cases) expect(prettyJsonText(text)).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it('keeps every literal as written: a Shopify id beyond 2^53, 1.10, 1e5', () => {
    const text = '{"id":820982911946154508,"price":1.10,"big":1e5}';
    expect(prettyJsonText(text)).toBe('{\n  "id": 820982911946154508,\n  "price": 1.10,\n  "big": 1e5\n}');
  });

  it('leaves strings alone: braces, commas, colons, escaped quotes and backslashes inside them', () => {
    const text = '{"note":"a {b}, [c]: \\"d\\" \\\\","k":"\\u00e9"}';
    const pretty = prettyJsonText(text);
    expect(pretty).toBe('{\n  "note": "a {b}, [c]: \\"d\\" \\\\",\n  "k": "\\u00e9"\n}');
    expect(JSON.parse(pretty)).toEqual(JSON.parse(text));
  });

  it('gives back text that is not JSON unchanged, and reads past a byte-order mark', () => {
    expect(prettyJsonText('a=1&b={2}')).toBe('a=1&b={2}');
    expect(prettyJsonText('{"a":')).toBe('{"a":');
    expect(prettyJsonText('\ufeff{"a":1}')).toBe('{\n  "a": 1\n}');
  });
});

describe('payloadText', () => {
  it('shows a JSON body from its text, a text body as it is, a binary one from its value', () => {
    expect(payloadText({ body: { text: '{"id":820982911946154508}' }, payload: { id: 820982911946154500 } })).toBe(
      '{\n  "id": 820982911946154508\n}',
    );
    expect(payloadText({ body: { text: 'a=1' }, payload: 'a=1' })).toBe('a=1');
    expect(payloadText({ body: { base64: '//4=' }, payload: '\ufffd\ufffd' })).toBe('\ufffd\ufffd');
  });

  it("shows a GitHub form delivery's JSON payload, not its form text", () => {
    const json = { action: 'opened', issue: { number: 7 } };
    const form = 'payload=' + encodeURIComponent(JSON.stringify(json));
    expect(payloadText({ body: { text: form }, payload: json })).toBe(JSON.stringify(json, null, 2));
  });
});
