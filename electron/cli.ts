// `hookdock serve`: the same engine as the desktop app, headless, with the
// dashboard in a browser. Prints the URLs a person needs; any start-up failure
// is one line on stderr ("hookdock: ...") and exit code 2, never a stack.
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pkg from '../package.json';
import { explainArgsError } from './cli-usage';
import { FOLLOW_SERVER_ARGS, parseFollowServerOptions, type FollowServerOptions } from './cli-follow';
import { createDashboardServer, loadOrCreateToken, type DashboardServer } from './engine/dashboard';
import { createEngine } from './engine/engine';
import { watchUnreachable } from './engine/gaps/exit-watch';
import { parsePublicUrl } from './engine/tunnel/owner-url';
import { parsePairingLink } from './engine/follow/client/link';
import type { Engine } from './engine/types';
import type { Reachability } from '../shared/gaps';
import { systemClock } from './engine/util/clock';
import { createLogger } from './engine/util/logger';

const HELP = `Usage: hookdock serve [options]

Receives webhooks, keeps them on disk and runs your automations, without the
desktop app. The dashboard opens in a browser.

Options (each also an environment variable):
  --data-dir DIR        HOOKDOCK_DATA_DIR        where events and config.json live
                                                 (default: the desktop app's folder, ${defaultDataDir()})
  --port N              HOOKDOCK_PORT            receiver port, the one a tunnel forwards (default 8787; 0 = any free port)
  --host H              HOOKDOCK_HOST            receiver address (default 127.0.0.1)
  --dashboard-port N    HOOKDOCK_DASHBOARD_PORT  dashboard port, always on 127.0.0.1 (default 8788; 0 = any free port)
  --tunnel ngrok|none   HOOKDOCK_TUNNEL          default: ngrok when an authtoken is configured, else none
  --public-url URL      HOOKDOCK_PUBLIC_URL      your own tunnel's or reverse proxy's https:// address for this
                                                 receiver; used for webhook URLs and reachability checks (no ngrok)
  --follow-port N       HOOKDOCK_FOLLOW_PORT     let followers (desktop Hookdocks) read events on this port
                                                 (off unless given; 0 = any free port); see "Run it always on"
  --follow-host H       HOOKDOCK_FOLLOW_HOST     follow API address (default 127.0.0.1); plain HTTP is refused
                                                 from any other machine, so expose it through TLS
  --follow-public-url URL
                        HOOKDOCK_FOLLOW_PUBLIC_URL
                                                 your own TLS proxy's https:// address for the follow port
                                                 (pairing links start with it)
  --exit-when-unreachable MINUTES
                        HOOKDOCK_EXIT_WHEN_UNREACHABLE
                                                 exit with code 3 when the public URL has been unreachable that
                                                 long (fractions allowed, e.g. 0.5), so a supervisor
                                                 (systemd, Docker) restarts Hookdock
  --follow LINK         HOOKDOCK_FOLLOW          receive through a Hookdock server: its pairing link (from the
                                                 server's "Add a follower"); no tunnel is needed here then
                        HOOKDOCK_DASHBOARD_TOKEN dashboard token (default: random, kept in the data folder)
                        NGROK_AUTHTOKEN          ngrok authtoken (default: from config.json)
  -h, --help            show this help
  -v, --version         show the version
`;

class UsageError extends Error {}

/** The folder Electron's app.getPath('userData') gives the desktop app (productName "Hookdock"). */
function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Hookdock');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Hookdock');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Hookdock');
}

interface ServeOptions extends FollowServerOptions {
  dataDir: string;
  port: number;
  host: string;
  dashboardPort: number;
  tunnel: 'ngrok' | 'none' | undefined;
  dashboardToken: string | undefined;
  ngrokAuthtoken: string | undefined;
  exitWhenUnreachableMinutes: number | null;
  publicUrl: string | undefined;
  /** Test-only (HOOKDOCK_PROBE_INTERVAL_MS / HOOKDOCK_PROBE_RETRY_MS): reachability probe timings, ms. */
  probeIntervalMs: number | undefined;
  probeRetryMs: number | undefined;
  /** Follow mode: the pairing link (a secret: never printed). */
  follow: string | undefined;
  /** Test-only (HOOKDOCK_FOLLOW_PING_TIMEOUT_MS): how long a silent follow stream is trusted, ms. */
  followPingTimeoutMs: number | undefined;
}

/** A test-only timing from the environment: a positive whole number of ms, else the default. */
function testMs(value: string | undefined): number | undefined {
  return value && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

function parsePort(value: string, name: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new UsageError(`${name} must be a port number from 0 to 65535, not "${value}".`);
  return n;
}

function parseServeOptions(argv: string[], env: NodeJS.ProcessEnv): ServeOptions | 'help' | 'version' {
  let parsed;
  const options = {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'dashboard-port': { type: 'string' },
    tunnel: { type: 'string' },
    'exit-when-unreachable': { type: 'string' },
    'public-url': { type: 'string' },
    follow: { type: 'string' },
    ...FOLLOW_SERVER_ARGS,
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  } as const;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (err) {
    throw new UsageError(explainArgsError(err, Object.keys(options)));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, ...rest] = positionals;
  if (command !== 'serve' || rest.length) {
    throw new UsageError(
      command
        ? `Unknown command "${[command, ...rest].join(' ')}". Run "hookdock serve", or "hookdock --help".`
        : 'Missing command. Run "hookdock serve", or "hookdock --help".',
    );
  }
  const tunnel = values.tunnel ?? env.HOOKDOCK_TUNNEL;
  if (tunnel !== undefined && tunnel !== 'ngrok' && tunnel !== 'none') {
    throw new UsageError(
      `${values.tunnel !== undefined ? '--tunnel' : 'HOOKDOCK_TUNNEL'} must be "ngrok" or "none", not "${tunnel}".`,
    );
  }
  const dataDir = values['data-dir'] ?? env.HOOKDOCK_DATA_DIR;
  const host = values.host ?? env.HOOKDOCK_HOST;
  if (dataDir === '' || host === '') throw new UsageError('--data-dir and --host cannot be empty.');
  const exitAfter = values['exit-when-unreachable'] ?? env.HOOKDOCK_EXIT_WHEN_UNREACHABLE;
  if (exitAfter !== undefined && !/^(\d+(\.\d+)?|\.\d+)$/.test(exitAfter.trim())) {
    throw new UsageError(
      `${values['exit-when-unreachable'] !== undefined ? '--exit-when-unreachable' : 'HOOKDOCK_EXIT_WHEN_UNREACHABLE'} must be a number of minutes (such as 10 or 0.5), not "${exitAfter}".`,
    );
  }
  const publicUrlName = values['public-url'] !== undefined ? '--public-url' : 'HOOKDOCK_PUBLIC_URL';
  const rawPublicUrl = values['public-url'] ?? (env.HOOKDOCK_PUBLIC_URL || undefined);
  let publicUrl: string | undefined;
  try {
    publicUrl = rawPublicUrl === undefined ? undefined : parsePublicUrl(rawPublicUrl, publicUrlName);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (publicUrl && tunnel === 'ngrok') {
    throw new UsageError(
      `${publicUrlName} is your own public address, so it cannot be used with --tunnel ngrok; pick one.`,
    );
  }
  const followLink = values.follow ?? (env.HOOKDOCK_FOLLOW || undefined);
  if (followLink !== undefined) {
    try {
      parsePairingLink(followLink);
    } catch (err) {
      throw new UsageError(
        `${values.follow !== undefined ? '--follow' : 'HOOKDOCK_FOLLOW'}: ${(err as Error).message}`,
      );
    }
    if (tunnel === 'ngrok' || publicUrl) {
      throw new UsageError(
        'A follower receives through its server, so --follow cannot be used with --tunnel ngrok or --public-url.',
      );
    }
  }
  let follow: FollowServerOptions;
  try {
    follow = parseFollowServerOptions(values, env, parsePort);
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
  return {
    follow: followLink,
    followPingTimeoutMs: testMs(env.HOOKDOCK_FOLLOW_PING_TIMEOUT_MS),
    ...follow,
    exitWhenUnreachableMinutes: exitAfter === undefined ? null : Number(exitAfter),
    publicUrl,
    probeIntervalMs: testMs(env.HOOKDOCK_PROBE_INTERVAL_MS),
    probeRetryMs: testMs(env.HOOKDOCK_PROBE_RETRY_MS),
    dataDir: dataDir ?? defaultDataDir(env),
    port: parsePort(values.port ?? env.HOOKDOCK_PORT ?? '8787', values.port !== undefined ? '--port' : 'HOOKDOCK_PORT'),
    host: host ?? '127.0.0.1',
    dashboardPort: parsePort(
      values['dashboard-port'] ?? env.HOOKDOCK_DASHBOARD_PORT ?? '8788',
      values['dashboard-port'] !== undefined ? '--dashboard-port' : 'HOOKDOCK_DASHBOARD_PORT',
    ),
    tunnel,
    dashboardToken: env.HOOKDOCK_DASHBOARD_TOKEN || undefined,
    ngrokAuthtoken: env.NGROK_AUTHTOKEN || undefined,
  };
}

/** One line, no stack: the first line of the message. */
function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hookdock: ${message.split('\n')[0]}\n`);
  process.exit(2);
}

function dashboardError(err: unknown, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new Error(
      `Dashboard port ${port} is already in use — is Hookdock already running? Use --dashboard-port to pick another.`,
    );
  }
  return new Error(`The dashboard cannot listen on 127.0.0.1:${port} (${code ?? (err as Error).message}).`);
}

async function serve(opts: ServeOptions): Promise<void> {
  // Log lines wait until start-up succeeds: a failed start must print one line, not a log.
  let held: string[] | null = [];
  const logger = createLogger('hookdock', {
    sink: (line) => (held ? held.push(line) : process.stderr.write(line + '\n')),
  });
  const releaseLog = () => {
    for (const line of held ?? []) process.stderr.write(line + '\n');
    held = null;
  };
  const engine: Engine = createEngine({
    dataDir: opts.dataDir,
    port: opts.port,
    host: opts.host,
    tunnel: opts.tunnel,
    ngrokAuthtoken: opts.ngrokAuthtoken,
    publicUrl: opts.publicUrl,
    followPort: opts.followPort,
    followHost: opts.followHost,
    followPublicUrl: opts.followPublicUrl,
    gaps: { probeIntervalMs: opts.probeIntervalMs, probeRetryMs: opts.probeRetryMs },
    follow: opts.follow,
    followTiming: opts.followPingTimeoutMs ? { pingTimeoutMs: opts.followPingTimeoutMs } : undefined,
    version: pkg.version,
    logger,
  });
  let dashboard: DashboardServer | null = null;
  let ready = false;
  let attention: string | null = null;
  let stopping = false;

  const stopAndExit = () => {
    logger.info('Finishing in-flight requests, then stopping');
    const stopped = (async () => {
      await dashboard?.stop().catch((err) => logger.warn('The dashboard did not stop cleanly', { error: err }));
      await engine.stop();
    })();
    stopped.then(
      () => process.exit(0),
      (err) => {
        logger.error('Stopping failed', { error: err });
        process.exit(1);
      },
    );
  };
  const onSignal = () => {
    if (stopping) process.exit(1); // a second signal: the person wants out now
    stopping = true;
    // During start-up the stop waits until start-up is over (see below): stopping a half-started engine is messier.
    if (ready) stopAndExit();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', (err) => logger.error('Unhandled error', { error: err }));

  await engine.start();
  try {
    const token = await loadOrCreateToken(opts.dataDir, opts.dashboardToken);
    dashboard = createDashboardServer({
      handlers: engine.handlers,
      bus: engine.bus,
      token,
      port: opts.dashboardPort,
      host: '127.0.0.1',
      logger: logger.child('dashboard'),
      staticDir: join(dirname(fileURLToPath(import.meta.url)), 'renderer'),
      version: pkg.version,
    });
    const { port } = await dashboard.start().catch((err) => {
      throw dashboardError(err, opts.dashboardPort);
    });
    const print = (line: string) => process.stdout.write(line + '\n');
    print(`Hookdock ${pkg.version} — data in ${opts.dataDir}`);
    // Tests and scripts parse these two lines: keep their shape.
    print(`Receiver:  ${engine.receiverUrl()}`);
    // The tunnel connects in the background: its URL is printed when it comes online (again on a change).
    let printedUrl: string | null = null;
    const printPublic = (url: string | null) => {
      if (url && url !== printedUrl) print(`Public:    ${url}`);
      if (url) printedUrl = url;
    };
    const status = await engine.handlers.getStatus({});
    printPublic(status.publicUrl);
    engine.bus.on('tunnel.changed', (t) => printPublic(t.state === 'online' ? t.url : null));
    print(`Dashboard: http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`);
    if (status.follow)
      print(`Following: ${status.follow.server || 'a server (its pairing link in config.json is not valid)'}`);
    // Followers pair with links made in the dashboard (Settings → Followers); this is their base.
    if (engine.followPort() !== null) print(`Follow:    ${engine.followBase()}`);
    // Started, but not all is well (secrets this process cannot read): said where the owner looks first.
    if (status.configError) process.stderr.write(`hookdock: warning: ${status.configError}\n`);
  } catch (err) {
    dashboard = null;
    await engine.stop().catch(() => undefined);
    throw err;
  }
  releaseLog();
  ready = true;
  // Headless attention: the desktop notification's sentence, once per failing streak, where a supervisor logs.
  const sayAttention = (r: Reachability) => {
    if (r.attention && r.attention !== attention) process.stderr.write(`hookdock: ${r.attention}\n`);
    attention = r.attention;
  };
  engine.bus.on('reachability.changed', sayAttention);
  sayAttention(engine.gaps.reachability());
  if (opts.exitWhenUnreachableMinutes !== null) {
    watchUnreachable(
      engine.bus,
      systemClock,
      opts.exitWhenUnreachableMinutes,
      (message) => {
        process.stderr.write(`hookdock: ${message}\n`);
        if (stopping) return;
        stopping = true;
        void Promise.allSettled([dashboard?.stop(), engine.stop()]).then(() => process.exit(3));
      },
      engine.gaps.reachability(),
    );
  }
  if (stopping) stopAndExit();
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseServeOptions>;
  try {
    opts = parseServeOptions(process.argv.slice(2), process.env);
  } catch (err) {
    return fail(err);
  }
  if (opts === 'help') return void process.stdout.write(HELP);
  if (opts === 'version') return void process.stdout.write(`${pkg.version}\n`);
  await serve(opts).catch(fail);
}

void main();
