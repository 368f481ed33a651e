// Copy as curl and export as JSON: pure text builders, unit-tested.
import type { HookEvent } from '../../../shared/types';

// Headers a proxy or curl sets itself; copying them would only confuse.
const SKIP = new Set([
  'host',
  'content-length',
  'connection',
  'accept-encoding',
  'transfer-encoding',
  'keep-alive',
  'expect',
]);

/** POSIX shell single quotes: safe for any text, payloads included. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(event: Pick<HookEvent, 'source' | 'headers' | 'body'>, receiverUrl: string): string {
  const url = `${receiverUrl.replace(/\/$/, '')}/hooks/${encodeURIComponent(event.source)}`;
  const lines = [`curl -X POST ${shellQuote(url)}`];
  for (const [name, value] of Object.entries(event.headers)) {
    const lower = name.toLowerCase();
    if (SKIP.has(lower) || lower.startsWith('x-forwarded-') || lower.startsWith('ngrok-')) continue;
    lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  }
  if ('text' in event.body) {
    if (event.body.text.length) lines.push(`  --data-binary ${shellQuote(event.body.text)}`);
    return lines.join(' \\\n');
  }
  // Binary: decode the base64 on the way in, so the bytes are exact.
  return `printf %s ${shellQuote(event.body.base64)} | base64 -d | ` + [...lines, `  --data-binary @-`].join(' \\\n');
}

export function exportFileName(event: Pick<HookEvent, 'id' | 'type'>): string {
  return `hookdock-${event.type.replace(/[^A-Za-z0-9._-]+/g, '-')}-${event.id}.json`;
}

export function exportJson(event: HookEvent): string {
  return JSON.stringify(event, null, 2) + '\n';
}
