// The script launcher's helper process: scripts really start from it, and
// Hookdock copes when it dies mid-run or cannot start at all.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScriptLauncher, type ScriptLauncher } from '../../electron/engine/actions/script/launcher/launcher';
import { runScript, type RunScriptInput } from '../../electron/engine/actions/script/runner';
import { createLogger } from '../../electron/engine/util/logger';
import { isAlive } from '../helpers/process';
import { waitFor } from '../helpers/tmp';

let dir: string;
let launcher: ScriptLauncher | null = null;
const logs: string[] = [];
const logger = createLogger('test', { level: 'warn', sink: (line) => logs.push(line) });

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'hookdock-launcher-')));
  logs.length = 0;
});
afterEach(async () => {
  delete process.env.HOOKDOCK_DASHBOARD_TOKEN;
  launcher?.stop();
  launcher = null;
  await rm(dir, { recursive: true, force: true });
});

async function shScript(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

const run = (l: ScriptLauncher, over: Partial<RunScriptInput> & { command: string }) =>
  runScript({
    args: [],
    cwd: null,
    timeoutSeconds: 20,
    envelope: { id: 'evt_1' },
    env: { HOOKDOCK_RUN_ID: 'run_1' },
    tmpDir: join(dir, 'tmp'),
    spawn: l.spawn,
    ...over,
  });

describe.skipIf(process.platform === 'win32')('the script launcher', () => {
  it('starts scripts from its helper process, not from Hookdock', async () => {
    process.env.HOOKDOCK_DASHBOARD_TOKEN = 'dashboard-token-for-the-test';
    launcher = createScriptLauncher({ logger, directWhenIdle: false });
    const parent = await shScript('parent.sh', 'echo "$PPID"; cat');
    const result = await run(launcher, { command: parent });
    expect(result.error).toBeNull();
    const [ppid, stdin] = result.stdout.split('\n');
    expect(Number(ppid)).toBe(launcher.helperPid());
    expect(Number(ppid)).not.toBe(process.pid);
    expect(JSON.parse(stdin)).toMatchObject({ id: 'evt_1' });
    expect(launcher.mode()).toBe('helper');
    // The helper itself holds none of Hookdock's secrets.
    if (process.platform === 'linux') {
      const environ = readFileSync(`/proc/${launcher.helperPid()}/environ`, 'utf8').split('\0');
      expect(environ.some((v) => v.startsWith('HOOKDOCK_DASHBOARD_TOKEN='))).toBe(false);
      expect(environ).toContain('ELECTRON_RUN_AS_NODE=1');
    }
  });

  it('starts a lone script directly, and a script in a burst from the helper once it is up', async () => {
    launcher = createScriptLauncher({ logger });
    const parent = await shScript('parent.sh', 'echo "$PPID"');
    const lone = await run(launcher, { command: parent });
    expect(Number(lone.stdout.trim())).toBe(process.pid);
    expect(launcher.helperPid()).toBeUndefined(); // no burst yet, no helper

    const gate = join(dir, 'gate');
    const running = join(dir, 'running');
    const holder = run(launcher, {
      command: await shScript('hold.sh', `touch "${running}"\nwhile [ ! -e "${gate}" ]; do sleep 0.02; done`),
    });
    await waitFor(() => existsSync(running), 5000, 'the first script to run');
    // The first script of a burst starts the helper, and does not wait for it.
    const early = await run(launcher, { command: parent });
    expect(Number(early.stdout.trim())).toBe(process.pid);
    await waitFor(() => launcher!.helperPid() !== undefined, 10_000, 'the helper to be up');
    const later = await run(launcher, { command: parent });
    expect(Number(later.stdout.trim())).toBe(launcher.helperPid());
    await writeFile(gate, '');
    expect((await holder).error).toBeNull();
  });

  it('when the helper dies mid-run, stops the script, fails the attempt, and starts a new helper for the next', async () => {
    launcher = createScriptLauncher({ logger, directWhenIdle: false });
    const pidFile = join(dir, 'pid');
    const sleeper = await shScript('sleeper.sh', `echo $$ > "${pidFile}"\nexec sleep 30`); // exec: one process, nothing left behind to report
    // Mid-run: the helper has told us the script's pid (not merely started it).
    let known: number | undefined;
    const l = launcher;
    const pending = run(launcher, {
      command: sleeper,
      spawn: (file, args, opts) => {
        const child = l.spawn(file, args, opts);
        child.on('spawn', () => (known = child.pid));
        return child;
      },
    });
    await waitFor(() => known !== undefined && existsSync(pidFile), 5000, 'the script to start');
    const scriptPid = Number(readFileSync(pidFile, 'utf8'));
    expect(scriptPid).toBe(known);
    const helper = launcher.helperPid()!;
    process.kill(helper, 'SIGKILL');

    const result = await pending;
    expect(result.error).toBe('The script was ended by SIGKILL.');
    await waitFor(() => !isAlive(scriptPid), 5000, 'the script to be stopped');
    expect(logs.join('\n')).toMatch(/script launcher stopped unexpectedly/);

    const next = await run(launcher, { command: await shScript('ok.sh', 'echo fine') });
    expect(next.stdout).toBe('fine\n');
    expect(launcher.helperPid()).not.toBe(helper);
    expect(launcher.mode()).toBe('helper');
  });

  it('when the helper cannot start, says why in the log and spawns scripts itself', async () => {
    launcher = createScriptLauncher({ logger, execPath: join(dir, 'no-such-node'), directWhenIdle: false });
    const parent = await shScript('parent.sh', 'echo "$PPID"');
    // The attempt that was waiting for the helper fails with a sentence; the job would retry it.
    const first = await run(launcher, { command: parent });
    expect(first.error).toMatch(/^The script could not be started: Hookdock's script launcher could not start/);
    expect(logs.join('\n')).toMatch(/script launcher could not start; scripts are started by Hookdock itself/);
    expect(launcher.mode()).toBe('in-process');

    const second = await run(launcher, { command: parent });
    expect(second.error).toBeNull();
    expect(Number(second.stdout.trim())).toBe(process.pid);
  });

  it('passes on a kill asked for before the helper has started the script', async () => {
    launcher = createScriptLauncher({ logger, directWhenIdle: false });
    const ac = new AbortController();
    ac.abort(); // Hookdock is stopping as the attempt begins
    const pidFile = join(dir, 'long.pid');
    // The shell starts a child and waits: killing only the shell would leave the child running.
    const script = await shScript('long.sh', `sleep 30 & echo $! > "${pidFile}"; wait`);
    const result = await run(launcher, { command: script, signal: ac.signal });
    expect(result.error).toMatch(/Hookdock stopped while this attempt ran/);
    // The kill reached the whole group: if the script got as far as starting its child, that child is gone too.
    if (existsSync(pidFile)) {
      const child = Number(readFileSync(pidFile, 'utf8').trim());
      if (child > 0) await waitFor(() => !isAlive(child));
    }
  });

  it('stop() ends the helper', async () => {
    launcher = createScriptLauncher({ logger, directWhenIdle: false });
    await run(launcher, { command: await shScript('ok.sh', 'true') });
    const helper = launcher.helperPid()!;
    expect(isAlive(helper)).toBe(true);
    launcher.stop();
    await waitFor(() => !isAlive(helper), 5000, 'the helper to exit');
  });
});
