import { describe, expect, it } from 'vitest';
import { extensionOf, resolveInvocation } from '../../electron/engine/actions/script/interpreter';

const NODE = '/opt/node/bin/node';
const on = (platform: NodeJS.Platform) => ({ platform, nodePath: NODE });

describe('resolveInvocation', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    describe(platform, () => {
      it('runs .js, .mjs and .cjs with the given Node binary', () => {
        for (const ext of ['js', 'mjs', 'cjs', 'MJS']) {
          expect(resolveInvocation(`/s/refund.${ext}`, ['a', 'b'], on(platform))).toEqual({
            file: NODE,
            args: [`/s/refund.${ext}`, 'a', 'b'],
            script: `/s/refund.${ext}`,
          });
        }
      });

      it('runs .py with python3 (python on Windows)', () => {
        expect(resolveInvocation('refund.py', ['x'], on(platform))).toEqual({
          file: platform === 'win32' ? 'python' : 'python3',
          args: ['refund.py', 'x'],
          script: 'refund.py',
        });
      });

      it('runs .sh with sh', () => {
        expect(resolveInvocation('/s/refund.sh', [], on(platform))).toEqual({
          file: 'sh',
          args: ['/s/refund.sh'],
          script: '/s/refund.sh',
        });
      });

      it('runs .ps1 with PowerShell, no profile, bypassing the execution policy', () => {
        expect(resolveInvocation('C:\\s\\refund.ps1', ['-Verbose'], on(platform))).toEqual({
          file: platform === 'win32' ? 'powershell.exe' : 'pwsh',
          args: ['-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', 'C:\\s\\refund.ps1', '-Verbose'],
          script: 'C:\\s\\refund.ps1',
        });
      });

      it('runs .bat and .cmd with cmd /c', () => {
        for (const name of ['C:\\s\\refund.bat', 'C:\\s\\refund.CMD']) {
          expect(resolveInvocation(name, ['1'], on(platform))).toEqual({
            file: 'cmd.exe',
            args: ['/d', '/c', name, '1'],
            script: name,
          });
        }
      });

      it('executes anything else as is, arguments untouched', () => {
        const args = ['--flag', 'with space', '$(rm -rf /)', '"quoted"'];
        expect(resolveInvocation('/usr/local/bin/refund', args, on(platform))).toEqual({
          file: '/usr/local/bin/refund',
          args,
          script: null,
        });
        expect(resolveInvocation('python3', ['x.py'], on(platform)).file).toBe('python3');
      });
    });
  }
});

describe('extensionOf', () => {
  it.each([
    ['/a/b.sh', '.sh'],
    ['C:\\a.dir\\b', ''],
    ['/a.dir/b', ''],
    ['.bashrc', ''],
    ['x.tar.PY', '.py'],
    ['noext', ''],
  ])('%s -> %s', (path, ext) => expect(extensionOf(path)).toBe(ext));
});
