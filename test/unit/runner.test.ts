// The script runner against real child processes: node, sh and python3 scripts.
import { chmod, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptLauncher } from '../../electron/engine/actions/script/launcher/launcher';
import type { SpawnScript } from '../../electron/engine/actions/script/launcher/types';
import { runScript, type RunScriptInput } from '../../electron/engine/actions/script/runner';
import { createLogger } from '../../electron/engine/util/logger';
import { isAlive } from '../helpers/process';

const SCRIPTS = fileURLToPath(new URL('../fixtures/scripts', import.meta.url));
const script = (name: string) => join(SCRIPTS, name);

let dir: string;
let tmpDir: string;
beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'hookdock-runner-')));
  tmpDir = join(dir, 'tmp');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const envelope = {
  id: 'evt_1',
  source: 'payments',
  provider: 'stripe',
  type: 'charge.refunded',
  receivedAt: '2026-01-01T00:00:00.000Z',
  headers: { 'content-type': 'application/json' },
  payload: { id: 'ch_1', amount: 5900, note: 'it\'s "quoted" $(rm -rf /) `x`' },
};
const vars = {
  HOOKDOCK_EVENT_ID: 'evt_1',
  HOOKDOCK_EVENT_TYPE: 'charge.refunded',
  HOOKDOCK_SOURCE: 'payments',
  HOOKDOCK_RUN_ID: 'run_1',
  HOOKDOCK_ATTEMPT: '2',
};

// Every case runs twice: spawned by this process, and through the launcher's helper process.
const launcher = createScriptLauncher({ logger: createLogger('test', { level: 'error' }), directWhenIdle: false });
afterAll(() => launcher.stop());
let spawnWith: SpawnScript | undefined;

const run = (over: Partial<RunScriptInput> & { command: string }) =>
  runScript({ args: [], cwd: null, timeoutSeconds: 20, envelope, env: vars, tmpDir, spawn: spawnWith, ...over });

async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each([
  ['in-process', undefined],
  ['through the launcher', launcher.spawn],
] as const)('spawned %s', (_mode, spawnFn) => {
  beforeAll(() => {
    spawnWith = spawnFn;
  });
  // The launcher falls back to spawning in-process when its helper cannot start: that must not pass unseen here.
  afterAll(() => {
    if (spawnFn) expect(launcher.mode()).toBe('helper');
  });

  describe.each([
    ['node', 'report.mjs'],
    ['sh', 'report.sh'],
    ['python', 'report.py'],
  ])('a %s script', (lang, file) => {
    it('gets the envelope on stdin and in HOOKDOCK_EVENT_FILE, the variables, its args and cwd', async () => {
      process.env.HOOKDOCK_DASHBOARD_TOKEN = 'secret-dashboard-token';
      const result = await run({ command: script(file), args: ['one arg with spaces'], cwd: dir });
      delete process.env.HOOKDOCK_DASHBOARD_TOKEN;
      expect(result.error).toBeNull();
      expect(result.exitCode).toBe(0);
      const line = result.stdout.split('\n').find((l) => l.startsWith('{"report"'))!;
      const { report } = JSON.parse(line);
      expect(report.lang).toBe(lang);
      expect(report.stdin).toEqual(envelope);
      expect(report.file).toEqual(envelope);
      expect(report.env).toMatchObject(vars);
      expect(report.env.HOOKDOCK_EVENT_FILE.startsWith(tmpDir)).toBe(true);
      expect(report.env.HOOKDOCK_DASHBOARD_TOKEN).toBeUndefined();
      expect(report.args).toEqual(['one arg with spaces']);
      expect(report.cwd).toBe(dir);
      if (lang === 'node') expect(report.fileMode).toBe(0o600);
      // The event file is gone afterwards.
      await waitFor(() => !existsSync(report.env.HOOKDOCK_EVENT_FILE));
    });
  });

  describe('runScript', () => {
    it('reports a non-zero exit with its stderr', async () => {
      const result = await run({ command: script('fail.sh') });
      expect(result.exitCode).toBe(3);
      expect(result.error).toBe('The script exited with code 3.');
      expect(result.stdout).toBe('working on evt_1\n');
      expect(result.stderr).toBe('the refund API said no\n');
      expect(result.truncated).toBe(false);
    });

    it('on timeout kills the script and the child it spawned', async () => {
      const pidFile = join(dir, 'grandchild.pid');
      const started = Date.now();
      const chunks: string[] = [];
      const result = await run({
        command: script('grandchild.sh'),
        args: [pidFile],
        timeoutSeconds: 0.5,
        onOutput: (stream, chunk) => chunks.push(`${stream}:${chunk}`),
      });
      expect(result.timedOut).toBe(true);
      expect(result.error).toMatch(/ran longer than 0.5 s and was stopped/);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(chunks.join('')).toMatch(/^stdout:started grandchild \d+/);
      const pid = Number(await readFile(pidFile, 'utf8'));
      await waitFor(() => !isAlive(pid));
    });

    it('escalates to SIGKILL for a script and grandchild that ignore SIGTERM', async () => {
      const pidFile = join(dir, 'stubborn.pid');
      const result = await run({
        command: script('stubborn.sh'),
        args: [pidFile],
        timeoutSeconds: 0.3,
        killGraceMs: 200,
      });
      expect(result.timedOut).toBe(true);
      const pid = Number(await readFile(pidFile, 'utf8'));
      await waitFor(() => !isAlive(pid));
    });

    it('survives a script that never reads stdin (EPIPE)', async () => {
      const big = { ...envelope, payload: { blob: 'x'.repeat(4 * 1024 * 1024) } };
      const result = await run({ command: script('deaf.sh'), envelope: big });
      expect(result.error).toBeNull();
      expect(result.stdout).toBe('not listening\n');
    });

    it('caps 10 MB of output, marks the cut, and still sees the send line at the end', async () => {
      const lines: string[] = [];
      let live = 0;
      const result = await run({
        command: script('flood.mjs'),
        args: ['10'],
        onStdoutLine: (l) => lines.push(l),
        onOutput: (_s, c) => (live += c.length),
      });
      expect(result.error).toBeNull();
      expect(result.truncated).toBe(true);
      expect(Buffer.byteLength(result.stdout)).toBeLessThan(64 * 1024 + 200);
      expect(Buffer.byteLength(result.stderr)).toBeLessThan(64 * 1024 + 200);
      expect(result.stdout).toMatch(/bytes cut/);
      expect(result.stdout.endsWith('the end\n')).toBe(true);
      expect(lines.filter((l) => l.startsWith('{"send"'))).toHaveLength(1);
      expect(lines).toHaveLength(10 * 1024 + 3);
      expect(live).toBeGreaterThan(11 * 1024 * 1024);
    });

    it('says so when the script does not exist', async () => {
      const result = await run({ command: join(dir, 'missing.sh') });
      expect(result.exitCode).toBeNull();
      expect(result.error).toBe(
        `The script "${join(dir, 'missing.sh')}" does not exist. Check the path in the automation.`,
      );
    });

    it('says so when the command does not exist', async () => {
      const result = await run({ command: 'hookdock-no-such-program' });
      expect(result.error).toBe(
        'The program "hookdock-no-such-program" was not found. Use its full path, or make sure it is on the PATH.',
      );
    });

    it('says so when a script is not executable', async () => {
      const file = join(dir, 'not-exec');
      await writeFile(file, '#!/bin/sh\necho hi\n');
      await chmod(file, 0o644);
      const result = await run({ command: file });
      expect(result.error).toMatch(/is not executable\. Run: chmod \+x/);
    });

    it('names a missing interpreter', async () => {
      const result = await run({ command: script('report.mjs'), nodePath: join(dir, 'no-node') });
      expect(result.error).toMatch(/no-node" is needed to run .*report\.mjs but was not found/);
    });

    it('runs an executable by path with a relative cwd-based path', async () => {
      const file = join(dir, 'hello');
      await writeFile(file, '#!/bin/sh\necho "hi $HOOKDOCK_ATTEMPT"\n');
      await chmod(file, 0o755);
      const result = await run({ command: './hello', cwd: dir });
      expect(result.error).toBeNull();
      expect(result.stdout).toBe('hi 2\n');
    });

    it('kills the script at once when aborted', async () => {
      const ac = new AbortController();
      const pidFile = join(dir, 'abort.pid');
      const pending = run({ command: script('grandchild.sh'), args: [pidFile], signal: ac.signal });
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
      ac.abort();
      const result = await pending;
      expect(result.error).toMatch(/Hookdock stopped/);
      const pid = Number(await readFile(pidFile, 'utf8'));
      await waitFor(() => !isAlive(pid));
    });

    it('leaves no event files behind', async () => {
      const left = async () => (await readdir(tmpDir)).length;
      const until = Date.now() + 2000;
      while ((await left()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await readdir(tmpDir)).toEqual([]);
    });

    it('waits for `ready` before spawning; when it rejects, spawns nothing and leaves no event file', async () => {
      const spawned: number[] = [];
      const spy = ((...a: Parameters<typeof spawn>) => {
        spawned.push(Date.now());
        return spawn(...a);
      }) as typeof spawn;
      let release!: () => void;
      const ready = new Promise<void>((r) => (release = r));
      const pending = run({ command: script('trivial.sh'), spawn: spy, ready });
      await new Promise((r) => setTimeout(r, 50));
      expect(spawned).toEqual([]);
      release();
      expect((await pending).exitCode).toBe(0);
      expect(spawned).toHaveLength(1);

      await expect(
        run({ command: script('trivial.sh'), spawn: spy, ready: Promise.reject(new Error('disk full')) }),
      ).rejects.toThrow('disk full');
      expect(spawned).toHaveLength(1);
      expect((await readdir(tmpDir)).filter((f) => f.startsWith('event-'))).toEqual([]);
    });
  });
});
