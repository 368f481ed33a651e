import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { closestOption, editDistance, explainArgsError } from '../../electron/cli-usage';
import { makeDirs } from '../../electron/engine/util/mkdirs';

const known = ['data-dir', 'port', 'host', 'dashboard-port', 'tunnel', 'help', 'version'];

function errorOf(args: string[]): unknown {
  try {
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    return err;
  }
  throw new Error('parseArgs accepted ' + args.join(' '));
}

describe('command-line usage errors', () => {
  it('measures edit distance with swaps', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('host', 'host')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('tunel', 'tunnel')).toBe(1);
  });

  it('suggests the closest option only when it is close', () => {
    expect(closestOption('prot', known)).toBe('port');
    expect(closestOption('PORT', known)).toBe('port');
    expect(closestOption('datadir', known)).toBe('data-dir');
    expect(closestOption('dash', known)).toBe('dashboard-port');
    expect(closestOption('xyzzy', known)).toBeNull();
  });

  it('turns each parseArgs error kind into one sentence', () => {
    expect(explainArgsError(errorOf(['--prot', '5']), known)).toBe(
      'Unknown option --prot. Did you mean --port? See hookdock serve --help.',
    );
    expect(explainArgsError(errorOf(['-x']), known)).toBe('Unknown option -x. See hookdock serve --help.');
    expect(explainArgsError(errorOf(['--port']), known)).toBe(
      'Option --port needs a value, e.g. --port 8787. See hookdock serve --help.',
    );
    expect(explainArgsError(errorOf(['--help=1']), known)).toBe(
      'Option --help takes no value. See hookdock serve --help.',
    );
  });
});

describe('makeDirs', () => {
  it('creates missing folders, accepts existing ones, and refuses a path through a file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hookdock-mkdirs-'));
    try {
      await makeDirs(join(root, 'a', 'b', 'c'));
      expect((await stat(join(root, 'a', 'b', 'c'))).isDirectory()).toBe(true);
      await makeDirs(join(root, 'a', 'b')); // already there
      await writeFile(join(root, 'file'), 'x');
      await expect(makeDirs(join(root, 'file', 'd'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
