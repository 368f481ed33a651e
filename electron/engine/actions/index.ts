// The built-in action kinds. Adding a kind: its config schema in shared/actions.ts,
// its folder here with a factory returning an ActionKind, and one line below.
import type { ActionRegistry } from './types';
import { createActionRegistry } from './registry';
import { createScriptAction, type ScriptActionOptions } from './script/action';
import { createAgentAction } from './agent/action';
import { createNotifyAction, type NotifyActionOptions } from './notify/action';
import { createCsvAction } from './csv/action';

export interface BuiltinActionOptions {
  script: ScriptActionOptions;
  /** Where notify actions' pushes go (work.ts: the engine bus); absent: nowhere (registry-only tests). */
  notify?: NotifyActionOptions;
}

export function createBuiltinActions(opts: BuiltinActionOptions): ActionRegistry {
  return createActionRegistry([
    createScriptAction(opts.script),
    createAgentAction(),
    createNotifyAction(opts.notify ?? { emit: () => 0 }),
    createCsvAction(),
    // one line per kind
  ]);
}

export type { ActionContext, ActionKind, ActionOutcome, ActionRegistry } from './types';
