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
