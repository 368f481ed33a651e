// The automation form's "will this script start?" check, asked while the owner
// types and before saving: the same preflight a run does, so the warning in the
// form and the error a run would record are the same sentence.
import type { ApiHandlers } from '../../../shared/api';
import { defaultNodePath, resolveInvocation } from '../actions/script/interpreter';
import { checkRunnable } from '../actions/script/preflight';

export function createCheckScriptHandlers(
  opts: { platform?: NodeJS.Platform; nodePath?: string } = {},
): Pick<ApiHandlers, 'checkScript'> {
  return {
    checkScript: async ({ command, args, cwd }) => {
      const platform = opts.platform ?? process.platform;
      const inv = resolveInvocation(command.trim(), args, { platform, nodePath: opts.nodePath ?? defaultNodePath() });
      const problem = await checkRunnable(
        { inv, command: command.trim(), configuredCwd: cwd, cwd: cwd ?? process.cwd(), platform },
        { fresh: true },
      );
      return { problem };
    },
  };
}
