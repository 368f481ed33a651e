// Every process a script attempt started is ended and named, even one that left its
// process group with setsid and ignores SIGTERM (process-tree.ts): real processes.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptLauncher } from '../../electron/engine/actions/script/launcher/launcher';
import type { SpawnScript } from '../../electron/engine/actions/script/launcher/types';
import { listProcesses, listProcessesSync } from '../../electron/engine/actions/script/process-scan';
import { describeEnded, runMembers, type ProcInfo } from '../../electron/engine/actions/script/process-tree';
import { runScript, type RunScriptInput } from '../../electron/engine/actions/script/runner';
import { createLogger } from '../../electron/engine/util/logger';
import { isAlive } from '../helpers/process';

const ESCAPE = fileURLToPath(new URL('../fixtures/scripts/escape.sh', import.meta.url));
const linux = process.platform === 'linux';

let dir: string;
beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'hookdock-tree-')));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const launcher = createScriptLauncher({ logger: createLogger('test', { level: 'error' }), directWhenIdle: false });
afterAll(() => launcher.stop());

let n = 0;
const pidFile = () => join(dir, `daemon-${++n}.pid`);
const daemonPid = (file: string) => Number(readFileSync(file, 'utf8'));
/** The daemon's line in the run's message (named sh until it has exec'd sleep). */
const named = (pid: number) => new RegExp(`(sh|sleep) \\(pid ${pid}, had left the group with setsid\\)`);
const namedSleep = (pid: number) => `sleep (pid ${pid}, had left the group with setsid)`;

/** Polls /proc: a process that is not our child gives no event when it ends. */
async function gone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
}

describe.runIf(linux).each([
  ['in-process', undefined],
  ['through the launcher', launcher.spawn],
] as const)('a script spawned %s that starts a setsid daemon ignoring SIGTERM', (_mode, spawn?: SpawnScript) => {
  const run = (over: Partial<RunScriptInput>) =>
    runScript({
      command: ESCAPE,
      args: [],
      cwd: null,
      timeoutSeconds: 30,
      envelope: {},
      env: { HOOKDOCK_RUN_ID: 'run_1' },
      tmpDir: join(dir, 'tmp'),
      spawn,
      killGraceMs: 300,
      ...over,
    });

  it('on timeout: the daemon is ended too, and the message names every process ended', async () => {
    const file = pidFile();
    // Long enough for the daemon to be up first, even on a loaded machine (the timer starts at spawn).
    const result = await run({ args: [file], timeoutSeconds: 4 });
    const pid = daemonPid(file);
    expect(result.timedOut).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(result.error).toMatch(/^The script ran longer than 4 s and was stopped; ended \d+ process(es)?: /);
    expect(result.error).toMatch(named(pid));
    // The script itself (its shell) and its own sleep were in the group.
    expect(result.ended.find((p) => p.pid === pid)).toEqual({ pid, name: 'sleep', left: 'setsid' }); // exec'd long before
    expect(
      result.ended.filter((p) => p.left === null).map((p) => p.name),
      JSON.stringify(result),
    ).toEqual(expect.arrayContaining(['sh', 'sleep']));
  });

  it('after an exit 0: the daemon it left is ended, the attempt still succeeds, with a note naming it', async () => {
    const file = pidFile();
    const result = await run({ args: [file, '0'] });
    const pid = daemonPid(file);
    expect(result.error).toBeNull();
    expect(isAlive(pid)).toBe(false);
    expect(result.note).toBe(
      `The script exited 0. It left processes running, so Hookdock ended 1 process: ${namedSleep(pid)}. ` +
        'A process meant to outlive its run must be started outside it (README: "Processes a script leaves").',
    );
  });

  it('after a failing exit: the error says the code and what was ended', async () => {
    const file = pidFile();
    const result = await run({ args: [file, '3'] });
    const pid = daemonPid(file);
    expect(result.error).toBe(
      `The script exited with code 3. It left processes running, so Hookdock ended 1 process: ${namedSleep(pid)}.`,
    );
    expect(isAlive(pid)).toBe(false);
  });

  it('when Hookdock stops (abort): everything is killed at once, before the abort returns', async () => {
    const file = pidFile();
    const ac = new AbortController();
    const pending = run({ args: [file], signal: ac.signal });
    while (!existsSync(file)) await new Promise((r) => setTimeout(r, 20));
    const pid = daemonPid(file);
    ac.abort();
    // SIGKILL was sent synchronously inside abort(): the daemon dies without another turn of our loop.
    await gone(pid);
    const result = await pending;
    expect(result.error).toMatch(
      /^Hookdock stopped while this attempt ran; it runs again when Hookdock starts\. Hookdock ended \d+ process(es)?: /,
    );
    expect(result.error).toMatch(named(pid));
  });

  it('a script that leaves nothing behind gets no note', async () => {
    const result = await run({ command: '/bin/true' });
    expect(result).toMatchObject({ error: null, note: null, ended: [] });
  });
});

describe('process-tree parsing and membership', () => {
  /** A /proc of real files: pid -> [stat line, environ variables or null when unreadable]. */
  async function fakeProc(procs: Record<number, [string, string[] | null]>): Promise<string> {
    const root = await mkdtemp(join(dir, 'proc-'));
    await mkdir(join(root, 'self'));
    for (const [pid, [stat, env]] of Object.entries(procs)) {
      await mkdir(join(root, pid));
      await writeFile(join(root, pid, 'stat'), stat);
      if (env) await writeFile(join(root, pid, 'environ'), env.join('\0') + '\0');
    }
    return root;
  }

  it('reads names with spaces and parentheses, zombies, the mark and run id only as whole variables', async () => {
    const root = await fakeProc({
      4242: [
        '4242 (my (odd) name) S 10 4242 4242 0 -1 4194560',
        ['A=1', 'HOOKDOCK_PROCESS_MARK=abc', 'HOOKDOCK_RUN_ID=run_1'],
      ],
      7: ['7 (x) Z 1 7 7', null],
      8: ['8 (y) S 1 8 8', ['XHOOKDOCK_PROCESS_MARK=no', 'HOOKDOCK_RUN_ID=run_2']],
      9: ['9 (z) S 1 8 8', ['XHOOKDOCK_PROCESS_MARK=no', 'HOOKDOCK_PROCESS_MARK=yes']],
      10: ['garbage', ['HOOKDOCK_PROCESS_MARK=x']],
      11: ['11 (other user) S 1 11 11', null],
    });
    const byPid = (list: ProcInfo[] | null) => Object.fromEntries((list ?? []).map((p) => [p.pid, p]));
    const all = byPid(listProcessesSync(root));
    expect(all[4242]).toEqual({
      pid: 4242,
      ppid: 10,
      pgid: 4242,
      sid: 4242,
      name: 'my (odd) name',
      zombie: false,
      mark: 'abc',
      runId: 'run_1',
    });
    expect(all[7]).toMatchObject({ zombie: true, mark: null });
    expect(all[8]).toMatchObject({ mark: null, runId: null }); // a run id without a mark is not ours
    expect(all[9]).toMatchObject({ mark: 'yes', runId: null });
    expect(all[10]).toBeUndefined();
    expect(all[11]).toMatchObject({ mark: null });
    // The worker thread reads the same, with the same scanner.
    expect(byPid(await listProcesses(root))).toEqual(all);
    expect(listProcessesSync(join(root, 'missing'))).toBeNull();
  });

  it('the worker scan sees this very process and its marker-free environment', async () => {
    const me = (await listProcesses())!.find((p) => p.pid === process.pid);
    expect(me).toMatchObject({ pid: process.pid, ppid: process.ppid, zombie: false, mark: null });
  });

  it('counts the marked, the group and their descendants; never pid 1, zombies or others', () => {
    const p = (pid: number, ppid: number, pgid: number, mark: string | null, zombie = false): ProcInfo => ({
      pid,
      ppid,
      pgid,
      sid: pgid,
      name: `p${pid}`,
      zombie,
      mark,
      runId: null,
    });
    const all = [
      p(1, 0, 1, null),
      p(100, 50, 100, 'm'), // the script
      p(101, 100, 100, null), // in its group, marker dropped (env -i)
      p(200, 1, 200, 'm'), // setsid daemon, reparented to init
      p(201, 200, 201, null), // its child, marker dropped, own group again
      p(300, 1, 300, 'other'), // another attempt's
      p(301, 100, 100, 'm', true), // a zombie
    ];
    expect(
      runMembers(all, 100, 'm')
        .map((x) => x.pid)
        .sort(),
    ).toEqual([100, 101, 200, 201]);
  });

  it('describes what was ended, as a sentence part', () => {
    expect(describeEnded([])).toBeNull();
    expect(
      describeEnded([
        { pid: 123, name: 'sh', left: null },
        { pid: 125, name: 'sleep', left: 'setsid' },
        { pid: 126, name: 'node', left: 'group' },
      ]),
    ).toBe(
      'ended 3 processes: sh (pid 123), sleep (pid 125, had left the group with setsid), node (pid 126, had left the group)',
    );
  });
});
