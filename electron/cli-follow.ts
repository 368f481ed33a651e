// `hookdock serve`'s follow-server options (issue #15): --follow-port, --follow-host,
// --follow-public-url, each also an environment variable. Kept out of cli.ts so that
// file stays a list of hosts' steps.
import { parsePublicUrl } from './engine/tunnel/owner-url';

export const FOLLOW_SERVER_ARGS = {
  'follow-port': { type: 'string' },
  'follow-host': { type: 'string' },
  'follow-public-url': { type: 'string' },
} as const;

export interface FollowServerOptions {
  /** Absent = follow mode off. */
  followPort: number | undefined;
  followHost: string | undefined;
  followPublicUrl: string | undefined;
}

/**
 * Reads the options (flags win over the environment). Throws an Error whose message is the
 * one sentence to print; `parsePort(value, name)` is the CLI's own port check.
 */
export function parseFollowServerOptions(
  values: { 'follow-port'?: string; 'follow-host'?: string; 'follow-public-url'?: string },
  env: NodeJS.ProcessEnv,
  parsePort: (value: string, name: string) => number,
): FollowServerOptions {
  const portText = values['follow-port'] ?? (env.HOOKDOCK_FOLLOW_PORT || undefined);
  const followPort =
    portText === undefined
      ? undefined
      : parsePort(portText, values['follow-port'] !== undefined ? '--follow-port' : 'HOOKDOCK_FOLLOW_PORT');
  const followHost = values['follow-host'] ?? (env.HOOKDOCK_FOLLOW_HOST || undefined);
  if (followHost === '') throw new Error('--follow-host cannot be empty.');
  const urlName = values['follow-public-url'] !== undefined ? '--follow-public-url' : 'HOOKDOCK_FOLLOW_PUBLIC_URL';
  const rawUrl = values['follow-public-url'] ?? (env.HOOKDOCK_FOLLOW_PUBLIC_URL || undefined);
  const followPublicUrl = rawUrl === undefined ? undefined : parsePublicUrl(rawUrl, urlName);
  if ((followHost !== undefined || followPublicUrl !== undefined) && followPort === undefined) {
    throw new Error('--follow-host and --follow-public-url need --follow-port (or HOOKDOCK_FOLLOW_PORT).');
  }
  return { followPort, followHost, followPublicUrl };
}
