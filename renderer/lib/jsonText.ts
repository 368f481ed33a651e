// JSON re-indented as text, never through numbers: JSON.parse would round an id
// beyond 2^53 (Shopify's order ids are), and showing or editing a rounded copy
// of the owner's data would quietly change it.

/**
 * `text` indented like JSON.stringify(…, null, 2), with every literal kept as
 * written. Text that is not JSON comes back unchanged.
 */
export function prettyJsonText(raw: string, indent = 2): string {
  // Some senders put a byte-order mark first; the engine reads past it, so do we.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  try {
    JSON.parse(text);
  } catch {
    return raw;
  }
  const pad = (depth: number) => '\n' + ' '.repeat(depth * indent);
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      // An empty object or array stays on one line, as JSON.stringify writes it.
      let j = i + 1;
      while (j < text.length && isSpace(text[j])) j++;
      if (text[j] === (c === '{' ? '}' : ']')) {
        out += c + text[j];
        i = j;
      } else out += c + pad(++depth);
    } else if (c === '}' || c === ']') out += pad(--depth) + c;
    else if (c === ',') out += ',' + pad(depth);
    else if (c === ':') out += ': ';
    else if (!isSpace(c)) out += c;
  }
  return out;
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return true;
  } catch {
    return false;
  }
}

const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t';

/**
 * What to show for an event's payload: its own text re-indented when the body is
 * that JSON, else the parsed value (a GitHub form delivery's body is
 * `payload=<url-encoded JSON>`: its payload is the JSON, not the form text).
 */
export function payloadText(event: { body: { text: string } | { base64: string }; payload: unknown }): string {
  if ('text' in event.body && typeof event.payload !== 'string' && isJsonText(event.body.text)) {
    return prettyJsonText(event.body.text);
  }
  if (typeof event.payload === 'string') return event.payload;
  return JSON.stringify(event.payload, null, 2) ?? String(event.payload);
}
