// The agent action ("Ask an AI agent", README): one chat completion from an
// OpenAI-compatible endpoint through the openai SDK, so a hosted API and a local
// Ollama (http://127.0.0.1:11434/v1) work alike. The event goes in as delimited data
// (prompt.ts); the reply is kept with the attempt and may queue one outgoing webhook
// under the rule in reply.ts. Retries are the one scheduler's, not the SDK's.
import type OpenAI from 'openai';
import { agentActionSchema, type AgentActionConfig, type AgentAttemptResult } from '../../../../shared/actions';
import { envelopeJson } from '../envelope';
import { checkDestinations } from '../script/sends';
import type { ActionContext, ActionKind, ActionOutcome } from '../types';
import { describeAgentError } from './errors';
import { buildMessages } from './prompt';
import { capReply, sendFromReply } from './reply';
import { templateEnvelope } from '../../templates';
import { renderTemplate } from './template';

/** What an agent attempt records as its `result`. */
export type AgentResult = AgentAttemptResult;

type Event = Parameters<ActionKind['run']>[1];

/** The agent kind; it holds nothing between attempts (a client is made per attempt, from its config). */
export function createAgentAction(): ActionKind<AgentActionConfig> {
  async function run(ctx: ActionContext<AgentActionConfig>, event: Event, signal: AbortSignal): Promise<ActionOutcome> {
    const { action } = ctx;
    const base: AgentResult = { model: action.model, status: null, reply: null, truncated: false, usage: null };
    let data: string;
    try {
      const run = { id: ctx.runId, reason: ctx.reason, test: ctx.test };
      // No template: the envelope as a script gets it, ids beyond 2^53 kept from the body's own text.
      data = action.message.trim()
        ? await renderTemplate(action.message, templateEnvelope(event, ctx.test))
        : envelopeJson(event, run);
    } catch (err) {
      await ctx.ready;
      return { ok: false, error: (err as Error).message, fields: { result: base } };
    }
    // Loaded on first use: the SDK is hundreds of files, and a process with few file descriptors
    // (macOS gives 256) should not open them all at start for an action it may never run.
    const { default: sdk } = await import('openai');
    const client = new sdk({
      baseURL: action.baseUrl,
      // Never the OPENAI_API_KEY of Hookdock's environment: a local endpoint gets a placeholder.
      apiKey: action.apiKey ?? 'no-key',
      organization: null,
      project: null,
      maxRetries: 0, // retried by the one scheduler, with the owner's retry policy
      timeout: action.timeoutSeconds * 1000,
      logLevel: 'off', // the SDK's own logs could carry request headers
    });
    await ctx.ready; // nothing leaves before the job is durable
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create(
        { model: action.model, messages: buildMessages(action.instructions, data) },
        { signal },
      );
    } catch (err) {
      const failure = describeAgentError(err, { apiKey: action.apiKey, timeoutSeconds: action.timeoutSeconds }, sdk);
      return {
        ok: false,
        error: failure.error,
        retryAfterMs: failure.retryAfterMs,
        fields: { result: { ...base, status: failure.status } },
      };
    }
    const text = completion.choices?.[0]?.message?.content ?? '';
    const u = completion.usage;
    const result: AgentResult = {
      ...base,
      status: 200,
      ...capReply(text),
      usage: u
        ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens }
        : null,
    };
    const notes = await queueReplySend(ctx, text);
    return { ok: true, error: notes, fields: { result } };
  }

  return { kind: 'agent', configSchema: agentActionSchema, run };
}

/** Queues the reply's send (reply.ts rule); returns a sentence to note on the attempt, or null. */
async function queueReplySend(ctx: ActionContext<AgentActionConfig>, reply: string): Promise<string | null> {
  const asked = sendFromReply(reply);
  if (!asked) return null;
  if ('error' in asked) return asked.error;
  if (ctx.reason === 'test') return 'The reply asked for a send, which was not sent: a test run sends nothing onward.';
  const { send } = asked;
  const [missing] = checkDestinations([send], ctx.config()).errors;
  const error = missing?.replace('stdout line 1', 'the reply');
  try {
    await ctx.send({ destinationId: send.destination, type: send.type, data: send.data, error });
  } catch (err) {
    ctx.logger.error('Could not queue a send.', { run: ctx.runId, err });
    return `The reply's send to "${send.destination}" could not be stored, so it was not sent.`;
  }
  return error ?? null;
}
