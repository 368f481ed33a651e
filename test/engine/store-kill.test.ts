// kill -9 while writing: a child process appends events (and status changes
// and records) in 16 concurrent loops, printing each one once acknowledged;
// the test SIGKILLs it mid-flight, reopens the store, and every printed
// acknowledgement must be there. Small checkpoint sizes make kills land in the
// middle of checkpoints too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openStore, tempDir } from './store-helpers';

const repo = path.resolve(__dirname, '../..');
let dir: string;
let cleanup: () => Promise<void>;

const CHILD = `
import { createStore } from ${JSON.stringify(path.join(repo, 'electron/engine/store/index.ts'))};
import { newId } from ${JSON.stringify(path.join(repo, 'electron/engine/util/ids.ts'))};
const store = createStore({ dataDir: process.argv[2], tuning: { segmentEvents: 50, checkpointBytes: 32 * 1024 } });
await store.open();
process.stdout.write('ready\\n');
let n = 0;
async function loop(worker) {
  for (;;) {
    const i = n++;
    const text = JSON.stringify({ i, pad: 'p'.repeat(200) });
    const id = newId('evt');
    await store.appendEvent({
      id, source: 'shop', provider: 'shopify', type: 'orders/create', status: 'received',
      receivedAt: new Date().toISOString(), providerEventId: 'k' + process.pid + '-' + i,
      verification: { ok: true, reason: null }, summary: null, sizeBytes: text.length,
      redeliveries: 0, replayOf: null, headers: {}, body: { text }, payload: JSON.parse(text),
    });
    process.stdout.write('E ' + id + '\\n');
    if (i % 3 === 0) {
      await store.setEventStatus(id, 'done');
      process.stdout.write('S ' + id + '\\n');
    }
    if (i % 4 === 0) {
      await store.collection('runs').put({ id: 'run_' + id, eventId: id });
      process.stdout.write('R ' + id + '\\n');
    }
  }
}
for (let w = 0; w < 16; w++) loop(w);
`;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFile(path.join(dir, 'child.mts'), CHILD);
});
afterAll(() => cleanup());

function runAndKill(dataDir: string, killAfterLines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, 'child.mts'), dataDir], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killed && out.split('\n').length > killAfterLines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited by itself: ${err}`));
      // Only whole lines count: a line cut by the kill was never fully printed.
      resolve(out.split('\n').slice(0, -1));
    });
  });
}

it('loses nothing acknowledged across 3 SIGKILL cycles', async () => {
  const dataDir = path.join(dir, 'data');
  const events = new Set<string>();
  const statuses = new Set<string>();
  const runs = new Set<string>();
  for (const [cycle, after] of [700, 1500, 2300].entries()) {
    const lines = await runAndKill(dataDir, after);
    expect(lines[0]).toBe('ready');
    for (const line of lines.slice(1)) {
      const [kind, id] = line.split(' ');
      (kind === 'E' ? events : kind === 'S' ? statuses : runs).add(id);
    }
    const store = await openStore(dataDir);
    try {
      const missing = [...events].filter((id) => !store.getEventSummary(id));
      expect(missing, `cycle ${cycle}`).toEqual([]);
      expect([...statuses].filter((id) => store.getEventSummary(id)?.status !== 'done')).toEqual([]);
      expect([...runs].filter((id) => !store.collection('runs').get('run_' + id))).toEqual([]);
      const sample = [...events].slice(-5);
      for (const id of sample) expect((await store.getEvent(id))?.body).toHaveProperty('text');
    } finally {
      // Alternate: a clean close (checkpoint) and a crash-like abandon of the verifying store.
      if (cycle % 2 === 0) await store.close();
    }
  }
  expect(events.size).toBeGreaterThan(1000);
}, 120_000);
