// SDK errors as sentences a shop owner understands, and what to do next:
// a fatal one waits for the owner to change a setting; the others are retried.
import { redact } from '../util/logger';

export interface TunnelProblem {
  message: string;
  /** Retrying cannot help until the owner changes the authtoken or domain. */
  fatal: boolean;
  /** Shown as 'error' (the owner must act, though we keep trying) rather than 'reconnecting'. */
  ownerMustAct: boolean;
}

export const TIMEOUT_MESSAGE = 'ngrok is not answering. Hookdock keeps trying to open the tunnel.';
export const NO_INTERNET = "Can't reach ngrok: check your internet connection. Hookdock keeps trying.";

const BAD_AUTHTOKEN =
  'ngrok did not accept your authtoken. Copy it again from dashboard.ngrok.com (Your Authtoken) and paste it in Settings.';
const SESSION_LIMIT =
  'Your ngrok account is already online somewhere else (free accounts allow one at a time). Stop the other ngrok, or upgrade your ngrok plan.';
const domainNotYours = (domain: string | null) =>
  `The domain ${domain ?? 'you chose'} does not belong to your ngrok account. Reserve it at dashboard.ngrok.com (Domains), or clear the domain in Settings.`;
const DOMAIN_IN_USE =
  'Your ngrok domain is already in use by another ngrok agent. Stop the other one; Hookdock keeps trying.';

function codeOf(err: unknown): string | null {
  const e = err as { errorCode?: unknown; message?: unknown } | null;
  if (e && typeof e.errorCode === 'string') return e.errorCode;
  const m = /ERR_NGROK_\d+/.exec(messageOf(err));
  return m ? m[0] : null;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

export function describeTunnelError(err: unknown, domain: string | null = null): TunnelProblem {
  const code = codeOf(err);
  const text = messageOf(err);
  switch (code) {
    case 'ERR_NGROK_105':
    case 'ERR_NGROK_106':
    case 'ERR_NGROK_107':
    case 'ERR_NGROK_4018':
      return { message: BAD_AUTHTOKEN, fatal: true, ownerMustAct: true };
    case 'ERR_NGROK_108':
      return { message: SESSION_LIMIT, fatal: false, ownerMustAct: true };
    case 'ERR_NGROK_313':
    case 'ERR_NGROK_319':
    case 'ERR_NGROK_320':
    case 'ERR_NGROK_15013':
      return { message: domainNotYours(domain), fatal: true, ownerMustAct: true };
    case 'ERR_NGROK_334':
      return { message: DOMAIN_IN_USE, fatal: false, ownerMustAct: true };
    case 'ERR_NGROK_120':
    case 'ERR_NGROK_121':
      return {
        message: 'ngrok no longer accepts this version of Hookdock. Please update Hookdock.',
        fatal: true,
        ownerMustAct: true,
      };
  }
  if (/authtoken|authentication failed/i.test(text)) return { message: BAD_AUTHTOKEN, fatal: true, ownerMustAct: true };
  if (
    /tcp connection|dns|resolve|lookup|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|network is unreachable|connection refused/i.test(
      text,
    )
  ) {
    return { message: NO_INTERNET, fatal: false, ownerMustAct: false };
  }
  if (/tls|handshake|certificate/i.test(text)) {
    return {
      message:
        "Can't reach ngrok securely: a proxy or firewall on this network may be in the way. Hookdock keeps trying.",
      fatal: false,
      ownerMustAct: false,
    };
  }
  const short = redact(text).replace(/\s+/g, ' ').slice(0, 160);
  return {
    message: `The tunnel stopped working (${short}). Hookdock keeps trying.`,
    fatal: false,
    ownerMustAct: false,
  };
}
