// Who may talk plain HTTP to the follow port (issue #15: "TLS except on loopback").
//
// Hookdock serves the follow API over plain HTTP and never terminates TLS itself, so:
// - A peer that is not loopback is refused, whatever headers it sends: anyone can
//   write `X-Forwarded-Proto: https`, so it proves nothing from a stranger.
// - A loopback peer is either a local client (a follower on this machine, a test) or a
//   TLS-terminating proxy on this machine (ngrok's endpoint forwarding from the agent,
//   a local Caddy). Proxies say how the request reached them in `X-Forwarded-Proto`
//   (ngrok and Caddy set it) or `Forwarded: proto=` (RFC 7239). When either is present,
//   every hop it lists must be `https`: a proxy that took the request over plain http
//   from the internet is refused. When neither is present the client itself is local.
// A local process could forge those headers too, but a local process can read the
// traffic anyway: loopback is the trust boundary, as for the dashboard (invariant 5).

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  if (a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export interface TransportFacts {
  /** The socket's remote address. */
  remoteAddress: string | undefined;
  /** Whether the socket itself is TLS (never, today: kept so a TLS listener needs no new rule). */
  encrypted: boolean;
  /** Raw header values, as node gives them. */
  forwardedProto: string | string[] | undefined;
  forwarded: string | string[] | undefined;
}

/** Null when the request may go on; else the sentence of the 403 that refuses it. */
export function refusePlainHttp(f: TransportFacts): string | null {
  if (f.encrypted) return null;
  if (!isLoopbackAddress(f.remoteAddress)) {
    return 'The follow API only answers over HTTPS from other machines: expose it through the ngrok tunnel or your own TLS proxy on this machine (see "Run it always on" in the README).';
  }
  const protos = [...listed(f.forwardedProto), ...forwardedProtos(f.forwarded)];
  if (protos.some((p) => p !== 'https')) {
    return 'This request reached the proxy in front of Hookdock over plain HTTP: use the https:// address of the follow API.';
  }
  return null;
}

function listed(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** `proto=` values of every element of RFC 7239 `Forwarded` headers. */
function forwardedProtos(value: string | string[] | undefined): string[] {
  const out: string[] = [];
  for (const element of listed(value)) {
    for (const pair of element.split(';')) {
      const [k, v] = pair.split('=');
      if (k?.trim() === 'proto' && v !== undefined) out.push(v.trim().replace(/^"|"$/g, ''));
    }
  }
  return out;
}
