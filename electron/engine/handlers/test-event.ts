// "Send a test event": the provider's own correctly signed sample, posted with
// real HTTP to our own receiver, so the owner sees the whole path work
// (signature check, storage, automations) without touching the provider.
import type { ApiHandlers } from '../../../shared/api';
import { webhookUrl } from '../config/public';
import { getProvider } from '../receiver/providers';
import { notFound } from '../util/errors';
import { baseUrl, type HandlerContext } from './context';

const TIMEOUT_MS = 10_000;

export function createTestEventHandlers(ctx: HandlerContext): Pick<ApiHandlers, 'sendTestEvent'> {
  return {
    sendTestEvent: async ({ id }) => {
      const source = ctx.config.current().sources.find((s) => s.id === id);
      if (!source) throw notFound('That source');
      // Square signs the URL the provider posts to: the same one the receiver checks against.
      const signedUrl = source.notificationUrl ?? webhookUrl(baseUrl(ctx), source.id);
      const sample = getProvider(source.provider).sample(source, signedUrl, ctx.clock.now());
      let res: Response;
      try {
        res = await ctx.fetch(webhookUrl(ctx.receiverUrl(), source.id), {
          method: 'POST',
          headers: sample.headers,
          body: sample.body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (err) {
        ctx.logger.warn('The test event could not reach the receiver', { error: err });
        return {
          statusCode: 0,
          eventId: null,
          message: 'The test event could not reach the receiver. Is Hookdock still running?',
        };
      }
      const answer = (await res.json().catch(() => ({}))) as { id?: string; error?: { message?: string } };
      const eventId = typeof answer.id === 'string' ? answer.id : null;
      const message =
        res.status === 200
          ? 'The test event was received, verified and stored.'
          : `The receiver answered ${res.status}: ${answer.error?.message ?? 'no details'}`;
      return { statusCode: res.status, eventId, message };
    },
  };
}
