// The email action (README "email"): one message over SMTP with nodemailer
// (https://nodemailer.com/smtp/), `to`, `subject` and `body` rendered as Liquid templates over
// the event. The SMTP password is a secret: registered with the logger's redaction, masked in
// the public config, and never put in an attempt's error (failures are our own sentences).
import { emailActionSchema, type EmailActionConfig } from '../../../../shared/actions';
import type { StoredEvent } from '../../store/types';
import { registerSecret } from '../../util/logger';
import { renderTemplate } from '../local-template';
import type { ActionContext, ActionKind, ActionOutcome } from '../types';
import { describeSmtpError } from './errors';

export interface EmailActionOptions {
  /** Per SMTP step (connect, greeting, each command), in ms. Default 30 s. */
  timeoutMs?: number;
}

/** What an email attempt recorded: the server's message id and who it accepted / refused. */
export interface EmailResult {
  messageId: string | null;
  accepted: string[];
  rejected: string[];
}

/** The message an attempt sends, rendered; a subject is one line (a template's newlines become spaces). */
export async function renderEmail(
  action: EmailActionConfig,
  event: StoredEvent,
  test: boolean,
): Promise<{ to: string; subject: string; text: string }> {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
  const subject = oneLine(await renderTemplate(action.subject, event));
  return {
    to: oneLine(await renderTemplate(action.to, event)),
    subject: test ? `[Test] ${subject}` : subject,
    text: await renderTemplate(action.body, event),
  };
}

const addresses = (list: unknown[] | undefined) =>
  (list ?? []).map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? '')));

export function createEmailAction(opts: EmailActionOptions = {}): ActionKind<EmailActionConfig> {
  const timeout = opts.timeoutMs ?? 30_000;

  async function run(
    ctx: ActionContext<EmailActionConfig>,
    event: StoredEvent,
    signal: AbortSignal,
  ): Promise<ActionOutcome> {
    const { action } = ctx;
    const { smtp } = action;
    registerSecret(smtp.password);
    let message: Awaited<ReturnType<typeof renderEmail>>;
    try {
      message = await renderEmail(action, event, ctx.test);
    } catch (err) {
      await ctx.ready;
      return { ok: false, error: (err as Error).message };
    }
    await ctx.ready; // nothing is sent before the attempt's job is durable
    // Loaded on first use (as the agent's SDK): fewer files open at start.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
      debug: false,
    });
    const onAbort = () => transport.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const info = await transport.sendMail({
        from: action.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
      const result: EmailResult = {
        messageId: info.messageId ?? null,
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
      };
      const refused = result.rejected.length ? `The server refused ${result.rejected.join(', ')}.` : null;
      return { ok: result.accepted.length > 0, error: refused, fields: { result } };
    } catch (err) {
      if (signal.aborted) return { ok: false, error: 'Hookdock stopped while sending the email.' };
      return { ok: false, error: describeSmtpError(err, smtp) };
    } finally {
      signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }

  return { kind: 'email', configSchema: emailActionSchema, run };
}
