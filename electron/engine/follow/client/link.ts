// The pairing link a follower is given (shared/follow.ts): `<followBase>/#<token>`.
// The token rides in the fragment so it never reaches a proxy's access log; the
// follower sends it as `Authorization: Bearer <token>`. Plain http is refused
// except to a loopback host (ARCHITECTURE.md "Follow mode": TLS except on loopback).

/** A checked pairing link: the server's follow base (no token, no trailing slash) and the token. */
export interface PairingLink {
  /** e.g. `https://abc.ngrok.app` or `http://127.0.0.1:8790`; shown to the owner. */
  server: string;
  token: string;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** True for 127.0.0.0/8, localhost and [::1]: the only hosts plain http may reach. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Checks a pairing link and splits it. Throws an Error whose message is a sentence
 * saying what to do; the message never quotes the link (it carries the token).
 */
export function parsePairingLink(link: string): PairingLink {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    throw new Error(
      'That is not a pairing link: copy the whole link the server showed under "Add a follower" (it starts with https://).',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('A pairing link starts with https:// (or http:// on this same computer): copy it again.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `The pairing link uses plain http:// to ${url.hostname}, which would send its token unencrypted: expose the server's follow port over https (its tunnel or your TLS proxy) and make a new link.`,
    );
  }
  const token = decodeURIComponent(url.hash.replace(/^#/, ''));
  if (!token) {
    throw new Error('The pairing link has lost its token (the part after #): copy the whole link again.');
  }
  if (url.username || url.password || url.search) {
    throw new Error('That is not a pairing link as the server makes them: copy the whole link again.');
  }
  url.hash = '';
  return { server: url.href.replace(/\/+$/, ''), token };
}
