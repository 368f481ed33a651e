// `hookdock serve` mistakes a person makes on the command line: the built CLI in a child process.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, serveArgs } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';

let dir: string;
beforeAll(() => ensureBuilt(), 180_000);
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(() => removeDir(dir));

function oneLine(r: { code: number | null; stderr: string; stdout: string }): string {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

describe('hookdock serve: command-line mistakes', () => {
  it('names a mistyped option, suggests the right one and points at --help', async () => {
    expect(oneLine(await runCli(['serve', '--prot', '5']))).toBe(
      'hookdock: Unknown option --prot. Did you mean --port? See hookdock serve --help.',
    );
    expect(oneLine(await runCli(['serve', '--dashbord-port=9']))).toBe(
      'hookdock: Unknown option --dashbord-port. Did you mean --dashboard-port? See hookdock serve --help.',
    );
    // Nothing near: no guess, still one sentence without parseArgs' programmer text.
    const far = oneLine(await runCli(['serve', '--frobnicate']));
    expect(far).toBe('hookdock: Unknown option --frobnicate. See hookdock serve --help.');
  });

  it('says which option lacks its value, or takes none', async () => {
    expect(oneLine(await runCli(['serve', '--data-dir', dir, '--port']))).toBe(
      'hookdock: Option --port needs a value, e.g. --port 8787. See hookdock serve --help.',
    );
    expect(oneLine(await runCli(['serve', '--help=yes']))).toBe(
      'hookdock: Option --help takes no value. See hookdock serve --help.',
    );
  });

  it.runIf(existsSync('/proc/self'))(
    'fails in one line for a data folder the system cannot create (/proc/nope)',
    async () => {
      // Node 20's recursive mkdir loops forever on this path; the CLI must not.
      const line = oneLine(await runCli(serveArgs('/proc/nope').slice(1)));
      expect(line).toMatch(/^hookdock: The data folder \/proc\/nope cannot be written to \(.+\)\. Use --data-dir/);
    },
  );

  it('fails in one line for a data folder below a file', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    const line = oneLine(await runCli(serveArgs(join(dir, 'plain-file', 'deeper', 'data')).slice(1)));
    expect(line).toMatch(/part of that path is a file, not a folder/);
  });
});
