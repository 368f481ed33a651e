// What the tray shows, as pure functions of the engine's Status: the icon
// state, the reasons behind "needs attention", the status line and the
// tooltip. tray.ts turns these into Electron calls.
import path from 'node:path';
import type { Status } from '../../shared/types';
import { followWords } from '../../shared/follow-words';

/**
 * ok: receiving, tunnel online. attention: something the owner must look at
 * (tunnel down, a run or delivery dead-lettered, the disk refusing writes, a
 * bad config edit). paused: automations paused by the owner. off: no tunnel,
 * so only this computer can reach the receiver.
 * Attention wins over paused, paused over off: the most urgent thing shows.
 */
export type TrayState = 'ok' | 'attention' | 'paused' | 'off';
export const TRAY_STATES: readonly TrayState[] = ['ok', 'attention', 'paused', 'off'];

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** Why the tray needs attention, in the owner's words; empty when nothing does. */
export function attentionReasons(status: Status): string[] {
  const reasons: string[] = [];
  const { tunnel, counts } = status;
  // A follower has no tunnel of its own: its link to the server is what must work.
  if (status.follow?.state === 'unreachable') reasons.push(followWords(status.follow));
  if (!status.follow && tunnel.provider !== 'none' && (tunnel.state === 'error' || tunnel.state === 'reconnecting')) {
    reasons.push(tunnel.error ? `Tunnel down: ${tunnel.error}` : 'The tunnel is down.');
  }
  if (!status.follow && status.reachability?.state === 'unreachable') {
    reasons.push(status.reachability.attention ?? "Webhooks can't reach Hookdock right now.");
  }
  if (counts.runsFailed > 0) reasons.push(`${plural(counts.runsFailed, 'script run')} failed for good.`);
  if (counts.deliveriesFailed > 0)
    reasons.push(`${plural(counts.deliveriesFailed, 'outgoing webhook')} could not be delivered.`);
  if (!status.store.writable) reasons.push('Hookdock cannot write to its data folder.');
  if (status.configError) reasons.push('The config file has an error.');
  return reasons;
}

export function trayState(status: Status | null): TrayState {
  if (!status) return 'off';
  if (attentionReasons(status).length > 0) return 'attention';
  if (status.automationsPaused) return 'paused';
  if (status.follow) return 'ok'; // following or catching up (unreachable is attention)
  if (status.tunnel.state !== 'online') return 'off';
  return 'ok';
}

/** The first, disabled line of the tray menu. */
export function statusLine(status: Status | null): string {
  if (!status) return 'Starting…';
  const reasons = attentionReasons(status);
  if (reasons.length === 1) return reasons[0];
  if (reasons.length > 1) return `Needs attention: ${reasons.length} problems`;
  if (status.automationsPaused) return 'Automations paused';
  if (status.follow) return followWords(status.follow);
  switch (status.tunnel.state) {
    case 'online':
      return 'All good: receiving webhooks';
    case 'connecting':
      return 'Connecting the tunnel…';
    default:
      return 'Tunnel off: only this computer can send webhooks';
  }
}

/** Hover text: today's counts at a glance. */
export function trayTooltip(status: Status | null): string {
  if (!status) return 'Hookdock: starting';
  const c = status.counts;
  const parts = [`${plural(c.eventsToday, 'event')} today`];
  if (c.rejectedToday > 0) parts.push(`${c.rejectedToday} rejected`);
  if (c.runsFailed + c.deliveriesFailed > 0) parts.push(`${c.runsFailed + c.deliveriesFailed} failed`);
  if (c.jobsPending > 0) parts.push(`${c.jobsPending} waiting to retry`);
  if (status.automationsPaused) parts.push('automations paused');
  return `Hookdock: ${parts.join(', ')}`;
}

/**
 * The icon file for a state. macOS gets monochrome template images (the
 * system tints them for light and dark menu bars; the state shows in the
 * shape); Windows 16 px; Linux 32 px, which panels scale down crisply.
 * nativeImage picks the @2x file on high-density screens by itself.
 */
export function trayIconPath(dir: string, state: TrayState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return path.join(dir, `tray-${state}Template.png`);
  if (platform === 'win32') return path.join(dir, `tray-${state}.png`);
  return path.join(dir, `tray-${state}-32.png`);
}
