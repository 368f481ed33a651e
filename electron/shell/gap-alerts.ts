// Notifications for gap protection: "Shopify can't reach Hookdock right now"
// when two probes in a row failed, and "While you were away" when a gap longer
// than a few minutes ends. The tray's attention state comes from Status
// (tray-state.ts reads status.reachability).
import type { Unsubscribe } from '../../shared/events';
import type { Gap } from '../../shared/gaps';
import type { Bus } from '../engine/util/bus';
import type { NotificationContent } from './notifications';
import type { OpenTarget } from '../../shared/desktop';

/** Gaps shorter than this end without a notification (they are still listed in the dashboard). */
export const GAP_NOTICE_MIN_MS = 5 * 60_000;

const CAUSE: Record<Gap['cause'], string> = {
  stopped: 'Hookdock was not running',
  asleep: 'This computer was asleep',
  'tunnel-down': 'The tunnel was down',
  unreachable: 'Your senders could not reach Hookdock',
};

/** Gaps recorded while the engine started (a `stopped` gap) end before anyone listens: these are noticed too. */
const JUST_ENDED_MS = 2 * 60_000;

/**
 * Subscribes the notifications; `startup.gaps` (GET /api/gaps right after the engine started)
 * are noticed when they ended within the last two minutes of `startup.now` (epoch ms).
 */
export function watchGapAlerts(
  bus: Bus,
  notice: (content: NotificationContent, target?: OpenTarget) => void,
  startup?: { gaps: Gap[]; now: number },
): Unsubscribe {
  let attention: string | null = null;
  const offReach = bus.on('reachability.changed', (r) => {
    if (r.attention && r.attention !== attention) {
      notice({ title: "Webhooks can't reach Hookdock", body: r.attention });
    }
    attention = r.attention;
  });
  const noticed = new Set<string>();
  const onGap = (g: Gap) => {
    if (g.to === null || noticed.has(g.id)) return;
    const minutes = Math.round((Date.parse(g.to) - Date.parse(g.from)) / 60_000);
    if (minutes * 60_000 < GAP_NOTICE_MIN_MS) return;
    noticed.add(g.id);
    notice({
      title: 'While you were away',
      body: `${CAUSE[g.cause]} for ${minutes} minutes. Open Hookdock to see what each service does about what it sent meanwhile.`,
    });
  };
  const offGap = bus.on('gap.changed', onGap);
  for (const g of startup?.gaps ?? []) {
    if (g.to !== null && startup!.now - Date.parse(g.to) <= JUST_ENDED_MS) onGap(g);
  }
  return () => {
    offReach();
    offGap();
  };
}
