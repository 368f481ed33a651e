// The built-in action kinds. Adding a kind: its config schema in shared/actions.ts,
// its folder here with a factory returning an ActionKind, and one line below.
import type { ActionRegistry } from './types';
import { createActionRegistry } from './registry';
import { createScriptAction, type ScriptActionOptions } from './script/action';
import { createAgentAction } from './agent/action';
import { createNotifyAction, type NotifyActionOptions } from './notify/action';
import { createCsvAction } from './csv/action';
import { createForwardAction, type ForwardActionOptions } from './forward/action';
import { createEmailAction, type EmailActionOptions } from './email/action';

export interface BuiltinActionOptions {
  script: ScriptActionOptions;
  /** Where notify actions' pushes go (work.ts: the engine bus); absent: nowhere (registry-only tests). */
  notify?: NotifyActionOptions;
  /** Without it (a registry built for a test of other kinds) a forward attempt fails: nothing to queue it in. */
  forward?: ForwardActionOptions;
  email?: EmailActionOptions;
}

const NO_OUTBOX: ForwardActionOptions = {
  outbox: { forward: () => Promise.reject(new Error('This Hookdock has no outbox to queue the forward in.')) },
};

export function createBuiltinActions(opts: BuiltinActionOptions): ActionRegistry {
  return createActionRegistry([
    createScriptAction(opts.script),
    createAgentAction(),
    createNotifyAction(opts.notify ?? { emit: () => 0 }),
    createCsvAction(),
    createForwardAction(opts.forward ?? NO_OUTBOX),
    createEmailAction(opts.email),
    // one line per kind
  ]);
}

export type { ActionContext, ActionKind, ActionOutcome, ActionRegistry } from './types';
