// "Send a test event": the provider's own correctly signed sample, posted with
// real HTTP to our own receiver, so the owner sees the whole path work
// (signature check, storage) without touching the provider. The request carries
// a one-time token (receiver/test-marks.ts), so the stored event is marked
// `test: true`, left out of the counts, and runs the owner's automations only
// when this click asked for it (issue #11: a made-up refund must not run the
// real refund script).
import type { ApiHandlers } from '../../../shared/api';
import { matchingAutomations } from '../automations/match';
import { webhookUrl } from '../config/public';
import { getProvider } from '../receiver/providers';
import { TEST_HEADER } from '../receiver/test-marks';
import { notFound } from '../util/errors';
import { baseUrl, type HandlerContext } from './context';

const TIMEOUT_MS = 10_000;

export function createTestEventHandlers(ctx: HandlerContext): Pick<ApiHandlers, 'sendTestEvent'> {
  return {
    sendTestEvent: async ({ id, runAutomations }) => {
      const source = ctx.config.current().sources.find((s) => s.id === id);
      if (!source) throw notFound('That source');
      // Square signs the URL the provider posts to: the same one the receiver checks against.
      const signedUrl = source.notificationUrl ?? webhookUrl(baseUrl(ctx), source.id);
      const sample = getProvider(source.provider).sample(source, signedUrl, ctx.clock.now());
      const mark = ctx.testMarks.issue({ runAutomations });
      let res: Response;
      try {
        res = await ctx.fetch(webhookUrl(ctx.receiverUrl(), source.id), {
          method: 'POST',
          headers: { ...sample.headers, [TEST_HEADER]: mark.token },
          body: sample.body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (err) {
        ctx.logger.warn('The test event could not reach the receiver', { error: err });
        return {
          statusCode: 0,
          eventId: null,
          automationsStarted: 0,
          message: 'The test event could not reach the receiver. Is Hookdock still running?',
        };
      } finally {
        mark.release();
      }
      const answer = (await res.json().catch(() => ({}))) as { id?: string; error?: { message?: string } };
      const eventId = typeof answer.id === 'string' ? answer.id : null;
      if (res.status !== 200 || !eventId) {
        return {
          statusCode: res.status,
          eventId,
          automationsStarted: 0,
          message: `The receiver answered ${res.status}: ${answer.error?.message ?? 'no details'}`,
        };
      }
      const event = ctx.store.getEventSummary(eventId);
      const matched = event ? matchingAutomations(ctx.config.current(), event).length : 0;
      const automationsStarted = runAutomations ? matched : 0;
      const paused = ctx.automations()?.paused() ?? false;
      return {
        statusCode: res.status,
        eventId,
        automationsStarted,
        message: outcome(runAutomations, matched, paused),
      };
    },
  };
}

const automations = (n: number) => `${n} automation${n === 1 ? '' : 's'}`;

function outcome(runAutomations: boolean, matched: number, paused: boolean): string {
  const received = 'Test event received, verified and stored (marked as a test).';
  if (!runAutomations) {
    const would = matched ? ` ${automations(matched)} would have matched it.` : '';
    return `${received} No automation ran (tests don't run them unless you ask).${would}`;
  }
  if (!matched) return `${received} No automation matches it, so nothing ran.`;
  if (paused) return `${received} ${automations(matched)} queued on it; they run once you resume automations.`;
  return `${received} ${automations(matched)} started on it; their scripts see HOOKDOCK_TEST=1.`;
}
