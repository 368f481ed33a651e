// The script action (ARCHITECTURE.md "Contract: agent scripts"): runs the owner's
// program on the event, keeps its output, and queues its stdout send lines only
// when it exited 0, so a retried script never sends twice.
import { scriptActionSchema, type ScriptActionConfig } from '../../../../shared/actions';
import type { Logger } from '../../util/logger';
import type { ActionContext, ActionKind, ActionOutcome } from '../types';
import { renderFields, templateEnvelope } from '../../templates';
import { envelopeJson } from '../envelope';
import { describeEnded, endInterruptedRuns } from './process-tree';
import { createScriptLauncher } from './launcher/launcher';
import type { SpawnScript } from './launcher/types';
import { createLiveOutput } from './output';
import { runScript } from './runner';
import { checkDestinations, SendCollector } from './sends';

export interface ScriptActionOptions {
  logger: Logger;
  /** DATA_DIR/tmp: event files (HOOKDOCK_EVENT_FILE). */
  tmpDir: string;
  /** Starts scripts; by default a launcher helper process does (launcher/launcher.ts). */
  spawn?: SpawnScript;
  /** Node.js for .js scripts; default process.execPath ("node" under Electron). */
  nodePath?: string;
  /** Between SIGTERM and SIGKILL when a script times out. Default 2 s. */
  killGraceMs?: number;
  /** Coalescing window of live output ('run.output'). Default 100 ms. */
  liveIntervalMs?: number;
}

export function createScriptAction(opts: ScriptActionOptions): ActionKind<ScriptActionConfig> {
  const launcher = opts.spawn ? null : createScriptLauncher({ logger: opts.logger });
  const spawn = opts.spawn ?? launcher!.spawn;

  async function run(
    ctx: ActionContext<ScriptActionConfig>,
    event: Parameters<ActionKind['run']>[1],
    signal: AbortSignal,
  ): Promise<ActionOutcome> {
    const { action } = ctx;
    const live = createLiveOutput({ intervalMs: opts.liveIntervalMs, emit: ctx.output });
    const collector = new SendCollector();
    // runScript prepares (event file, checks) while `ready` syncs, and spawns only after it;
    // it rejects with ready's error when the job could not be saved.
    // The owner's extra variables, templates over the envelope (never on the command line).
    let extraEnv: Record<string, string> = {};
    if (action.env && Object.keys(action.env).length > 0) {
      try {
        const rendered = await renderFields(action.env, templateEnvelope(event, ctx.test));
        // An environment value cannot hold a NUL byte: drop any, rather than fail the spawn.
        extraEnv = Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k, v.replaceAll('\0', '')]));
      } catch (err) {
        await ctx.ready; // the attempt is recorded only once its job is saved
        return { ok: false, error: (err as Error).message };
      }
    }
    const result = await runScript({
      command: action.command,
      args: action.args,
      cwd: action.cwd,
      timeoutSeconds: action.timeoutSeconds,
      envelopeJson: envelopeJson(event, { id: ctx.runId, reason: ctx.reason, test: ctx.test }),
      env: {
        ...extraEnv,
        HOOKDOCK_EVENT_ID: event.id,
        HOOKDOCK_EVENT_TYPE: event.type,
        HOOKDOCK_SOURCE: event.source,
        HOOKDOCK_RUN_ID: ctx.runId,
        HOOKDOCK_ATTEMPT: String(ctx.attempt),
        HOOKDOCK_AUTOMATION_ID: ctx.automationId,
        ...markerEnv(ctx),
      },
      tmpDir: opts.tmpDir,
      onOutput: live.push,
      onStdoutLine: (line) => collector.push(line),
      signal,
      spawn,
      nodePath: opts.nodePath,
      killGraceMs: opts.killGraceMs,
      ready: ctx.ready,
    });
    live.flush();

    const ok = result.error === null && !signal.aborted;
    const notes: string[] = result.error ? [result.error] : [];
    if (result.note) notes.push(result.note); // exited 0, but processes it left running were ended
    // A test (a "Test it" run, or any run on a made-up test event) must not put a made-up
    // order in the owner's bookkeeping or CRM: its sends are named, never sent (issue #11).
    if (ok && ctx.test && collector.sends.length > 0) {
      const what = ctx.reason === 'test' ? 'a test run' : 'a run on a test event';
      notes.push(`${collector.sends.length} send line(s) were not sent: ${what} sends nothing onward.`);
    } else if (ok) notes.push(...(await queueSends(ctx, collector)));
    else if (collector.sends.length > 0) {
      notes.push(
        `${collector.sends.length} send line(s) were not sent: sends leave only from an attempt that exits 0.`,
      );
    }
    return {
      ok,
      error: notes.length ? notes.join(' ') : null,
      fields: {
        exitCode: result.exitCode,
        signal: result.signal,
        stdout: result.stdout,
        stderr: result.stderr,
        truncated: result.truncated,
      },
    };
  }

  return {
    kind: 'script',
    configSchema: scriptActionSchema,
    run,
    stop: () => launcher?.stop(),
    // Hookdock was killed while these ran: what they left running goes before they run again.
    async recoverInterrupted(runIds) {
      const left = await endInterruptedRuns(runIds, opts.killGraceMs ?? 2000);
      return new Map(runIds.map((id) => [id, describeEnded(left.get(id) ?? [])]));
    },
  };
}

/**
 * The markers a careful script checks (README "Agent scripts"): HOOKDOCK_TEST=1 for a test
 * (a test event, or a "Test it" run), HOOKDOCK_REPLAY=1 for a deliberate replay, which
 * carries the same HOOKDOCK_EVENT_ID as the first run; HOOKDOCK_RUN_REASON always.
 */
function markerEnv(ctx: Pick<ActionContext, 'reason' | 'test'>): Record<string, string> {
  return {
    HOOKDOCK_RUN_REASON: ctx.reason,
    ...(ctx.test ? { HOOKDOCK_TEST: '1' } : {}),
    ...(ctx.reason === 'replay' ? { HOOKDOCK_REPLAY: '1' } : {}),
  };
}

/**
 * Queues the attempt's sends; returns the problems, as sentences, to record on the attempt.
 * A send the outbox cannot deliver (no such destination, a malformed line) is still handed to
 * it, so it becomes a failed delivery: in the Outbox, the "Failed sends" count and the event page.
 */
async function queueSends(ctx: ActionContext<ScriptActionConfig>, collector: SendCollector): Promise<string[]> {
  const { errors } = checkDestinations(collector.sends, ctx.config());
  const problems = [...collector.allErrors(), ...errors];
  const all = [
    ...collector.sends.map((s) => ({ ...s, error: undefined as string | undefined })),
    ...collector.invalid.map((s) => ({ ...s, data: null })),
  ];
  for (const s of all) {
    try {
      await ctx.send({ destinationId: s.destination, type: s.type, data: s.data, error: s.error });
    } catch (err) {
      ctx.logger.error('Could not queue a send.', { run: ctx.runId, err });
      problems.push(`stdout line ${s.line}: the send to "${s.destination}" could not be stored, so it was not sent.`);
    }
  }
  return problems;
}
