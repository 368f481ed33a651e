// Shared by the follow-server tests: a real engine with the follow port on, real HTTP.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FollowPage } from '../../shared/follow';
import { createEngine } from '../../electron/engine/engine';
import type { Engine, EngineOptions } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { postHook, sampleSources, signedRequest } from '../helpers/sign';

export const sources = sampleSources();
export const source = (id: string) => sources.find((s) => s.id === id)!;

export async function writeConfig(dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(join(dir, 'config.json'), JSON.stringify({ sources, tunnel: { provider: 'none' }, ...extra }));
}

export async function startFollowEngine(dir: string, opts: Partial<EngineOptions> = {}): Promise<Engine> {
  const engine = createEngine({
    dataDir: dir,
    port: 0,
    followPort: 0,
    tunnel: 'none',
    logger: memoryLogger(),
    version: '9.9.9-test',
    ...opts,
  });
  await engine.start();
  return engine;
}

/** Splits a pairing link into its base and token. */
export function parseLink(link: string): { base: string; token: string } {
  const at = link.indexOf('/#');
  return { base: link.slice(0, at), token: link.slice(at + 2) };
}

export async function addFollower(
  engine: Engine,
  name = 'Laptop',
): Promise<{ id: string; base: string; token: string }> {
  const { id, pairingLink } = await engine.handlers.createFollower({ name });
  return { id, ...parseLink(pairingLink) };
}

export function followGet(base: string, token: string, path: string, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });
}

export async function page(base: string, token: string, after: string | null, limit = 1000): Promise<FollowPage> {
  const res = await followGet(base, token, `/follow/v1/events?limit=${limit}${after ? `&after=${after}` : ''}`);
  if (res.status !== 200) throw new Error(`page: ${res.status} ${await res.text()}`);
  return (await res.json()) as FollowPage;
}

export async function ack(base: string, token: string, cursor: string): Promise<number> {
  const res = await fetch(`${base}/follow/v1/ack`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ cursor }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Posts one signed Shopify webhook; returns the stored event id. */
export async function sendOne(engine: Engine, n = 0): Promise<string> {
  const r = await postHook(engine.receiverUrl(), 'shop', await signedRequest(source('shop'), { extra: { n } }));
  if (r.status !== 200 || !r.json.id) throw new Error(`webhook not stored: ${r.status}`);
  return r.json.id;
}

export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
}

/** Opens the follow stream and reads its messages as they come (real HTTP, no EventSource polyfill). */
export async function openStream(base: string, token: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${base}/follow/v1/stream`, {
    headers: { Authorization: `Bearer ${token}`, ...headers },
    signal: controller.signal,
  });
  const messages: SseMessage[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buf += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const m: SseMessage = {};
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) m.id = line.slice(4);
            else if (line.startsWith('event: ')) m.event = line.slice(7);
            else if (line.startsWith('data: ')) m.data = line.slice(6);
          }
          if (m.event) messages.push(m);
        }
        for (const w of waiters.splice(0)) w();
      }
    } catch {
      /* aborted or cut */
    }
    ended = true;
    for (const w of waiters.splice(0)) w();
  })();
  /** Resolves once `n` event messages have arrived (or the stream ended). */
  const until = async (n: number) => {
    while (messages.filter((m) => m.event === 'event').length < n && !ended)
      await new Promise<void>((r) => waiters.push(r));
    return messages.filter((m) => m.event === 'event');
  };
  return {
    status: res.status,
    messages,
    until,
    ended: () => ended,
    closed: done,
    close: () => controller.abort(),
  };
}
