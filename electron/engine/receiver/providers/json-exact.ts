// JSON numbers read as their exact text. JSON.parse rounds integers past 2^53
// (9007199254740993 becomes ...992), so two different ids would look the same;
// Node 20 has no JSON.parse source access, so numbers are quoted in the text
// first and parsed as strings. Used only when a configured id turns out to be
// a number, so the common path pays nothing.

/**
 * `text` (valid JSON) with every number literal outside strings turned into a
 * string holding its exact characters: `{"id":12345678901234567890}` becomes
 * `{"id":"12345678901234567890"}`.
 */
export function quoteJsonNumbers(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && /[0-9eE+.-]/.test(text[j]!)) j++;
      out += text.slice(from, i) + '"' + text.slice(i, j) + '"';
      from = j;
      i = j;
    } else i++;
  }
  return out + text.slice(from);
}

/** Parses JSON text with every number kept as its exact text (a string); undefined when it is not JSON. */
export function parseWithExactNumbers(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(quoteJsonNumbers(body));
  } catch {
    return undefined;
  }
}
