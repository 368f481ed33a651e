// What to spawn for an automation's command (ARCHITECTURE.md "Contract: agent
// scripts"). Pure, so every OS's answer is unit-tested on any OS.
//
// A script whose path ends in a known extension runs with its interpreter on
// every OS, so an owner never needs an executable bit, a shebang or a file
// association (Windows cannot exec a .py or .sh at all, and Node refuses to
// spawn .bat/.cmd without a shell). Anything else is executed as is.
// Arguments are passed as a list, never through a shell.

export interface Invocation {
  /** The program handed to spawn(). */
  file: string;
  args: string[];
  /** The script file when an interpreter runs it (so a missing one can be named), else null. */
  script: string | null;
}

export interface InterpreterOptions {
  platform: NodeJS.Platform;
  /**
   * The Node.js binary for .js/.mjs/.cjs. Under plain Node that is
   * process.execPath; under Electron execPath is the app itself, so the
   * caller passes "node" (from PATH) or a bundled one.
   */
  nodePath: string;
}

type Rule = {
  exts: string[];
  invoke: (script: string, args: string[], o: InterpreterOptions) => Omit<Invocation, 'script'>;
};

const RULES: Rule[] = [
  { exts: ['.js', '.mjs', '.cjs'], invoke: (s, a, o) => ({ file: o.nodePath, args: [s, ...a] }) },
  // Windows installs "python" (python3 is a Store stub there); elsewhere "python" may be Python 2 or absent.
  { exts: ['.py'], invoke: (s, a, o) => ({ file: o.platform === 'win32' ? 'python' : 'python3', args: [s, ...a] }) },
  // On Windows, "sh" comes with Git for Windows.
  { exts: ['.sh'], invoke: (s, a) => ({ file: 'sh', args: [s, ...a] }) },
  {
    exts: ['.ps1'],
    // Windows PowerShell ships with Windows; on macOS and Linux it is PowerShell 7's "pwsh".
    invoke: (s, a, o) => ({
      file: o.platform === 'win32' ? 'powershell.exe' : 'pwsh',
      args: ['-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', s, ...a],
    }),
  },
  // /d skips AutoRun commands from the registry; the arguments come from the owner's config, never the payload.
  { exts: ['.bat', '.cmd'], invoke: (s, a) => ({ file: 'cmd.exe', args: ['/d', '/c', s, ...a] }) },
];

/** The lower-cased extension of a path's last segment ("" when none). Handles / and \ alike. */
export function extensionOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export function resolveInvocation(command: string, args: readonly string[], opts: InterpreterOptions): Invocation {
  const ext = extensionOf(command);
  const rule = RULES.find((r) => r.exts.includes(ext));
  if (!rule) return { file: command, args: [...args], script: null };
  return { ...rule.invoke(command, [...args], opts), script: command };
}

/** Node's binary for .js scripts in this process: execPath under plain Node, "node" from PATH under Electron. */
export function defaultNodePath(): string {
  return process.versions.electron ? 'node' : process.execPath;
}
