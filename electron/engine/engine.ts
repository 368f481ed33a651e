// The composition root: the one place that builds the engine's parts and wires
// them together. Hosts (electron/main.ts, electron/cli.ts) and tests only call
// createEngine(options) -> start()/stop().
//
// start(): data dir -> config -> store -> receiver listening -> automations -> tunnel (never awaited)
// stop():  stop accepting -> in-flight requests finish -> automations -> store; tunnel in parallel, capped
import type { Server } from 'node:http';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ApiHandlers } from '../../shared/api';
import { createAutomationsService } from './automations/service';
import { createConfigService } from './config/service';
import { combineHandlers } from './handlers/combine';
import { createConfigHandlers } from './handlers/config';
import type { HandlerContext } from './handlers/context';
import { buildStatus, createEventHandlers } from './handlers/events';
import { createTestEventHandlers } from './handlers/test-event';
import { createGapProtection } from './gaps';
import { createConnectManager } from './connect/manager';
import { createFollower } from './follow/client';
import { createCheckScriptHandlers } from './handlers/check-script';
import { createTemplateHandlers } from './templates/handlers';
import { createAutomationToolHandlers } from './handlers/automation-tools';
import { createTestDeliveryHandlers } from './handlers/test-delivery';
import { createReceiverApp } from './receiver/app';
import { listenReceiver, type ReceiverServer } from './receiver/listen';
import { StartupError } from './startup-error';
import { watchStatus } from './status-watch';
import { createTestMarks } from './receiver/test-marks';
import { installIdFor } from './util/loop-guard';
import { createStore } from './store';
import { startRetention } from './store/retention';
import { createTunnel, type NgrokLike } from './tunnel';
import { withOwnerPublicUrl } from './tunnel/owner-url';
import type { AutomationsService, Engine, EngineDeps, EngineOptions, TunnelService } from './types';
import { createBus } from './util/bus';
import { openFileLimit, receiverConnectionCap } from './util/fd-limit';
import { guardServer } from './util/http-guard';
import { systemClock } from './util/clock';
import { createLogger } from './util/logger';
import { createEngineActions, createEngineOutbox, createJobScheduler } from './work';
import { makeDirs } from './util/mkdirs';
import { raiseIdFloor } from './util/ids';
import { createFollowServer, followOffHandlers } from './follow/server';

export { StartupError };

const TUNNEL_STOP_CAP_MS = 5_000;

export function createEngine(options: EngineOptions): Engine {
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const wantedPort = options.port ?? 8787;
  const version = options.version ?? '0.0.0';
  const logger = options.logger ?? createLogger('hookdock');
  const clock = options.clock ?? systemClock;
  const bus = createBus();
  const config = createConfigService({
    dataDir,
    bus,
    logger: logger.child('config'),
    secretCodec: options.secretCodec,
  });
  const store = createStore({ dataDir, logger: logger.child('store'), clock, faults: options.storeFaults });

  let server: ReceiverServer | null = null;
  let boundPort = 0;
  let stopping: Promise<void> | null = null;
  const cleanups: (() => void)[] = [];

  const receiverUrl = () => {
    // A wildcard bind is reached through loopback from this machine.
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${shown.includes(':') ? `[${shown}]` : shown}:${boundPort}`;
  };

  const deps: EngineDeps = { store, bus, config, logger, clock, dataDir };

  // ---- work: the one scheduler, the outbox and the action kinds as peers of automations ----
  const workDeps: EngineDeps = { ...deps, logger: logger.child('automations') };
  const countWatchers = new Set<() => void>();
  const scheduler = createJobScheduler(workDeps, countWatchers);
  const outbox = createEngineOutbox(workDeps, scheduler, { fetch: options.fetch, version, dataDir });
  const actions = createEngineActions(workDeps, { spawn: options.spawn }, outbox);
  const automations: AutomationsService = createAutomationsService(workDeps, {
    scheduler,
    outbox,
    actions,
    countWatchers,
  });

  // ---- tunnel --------------------------------------------------------------
  const ngrokTunnel: TunnelService = createTunnel({
    bus,
    logger: logger.child('tunnel'),
    clock,
    ngrok: options.ngrok as NgrokLike | undefined,
    receiverPort: () => boundPort,
    receiverHost: () => host,
    followPort: () => follow?.port() ?? 0,
    getConfig: () => config.current(),
    envAuthtoken: options.ngrokAuthtoken,
    override: options.publicUrl ? 'none' : options.tunnel,
    dataDir,
    version,
  });
  const tunnel = options.publicUrl ? withOwnerPublicUrl(ngrokTunnel, options.publicUrl) : ngrokTunnel;
  // ---- end tunnel ----------------------------------------------------------

  // ---- follow mode: receive through a Hookdock server; no tunnel of its own then ----
  const follower = createFollower({
    link: options.follow,
    config,
    store,
    bus,
    logger,
    fetch: options.fetch,
    timing: options.followTiming,
    automations: () => automations,
    onActiveChanged: (active) => {
      if (active) void tunnel.stop();
      else tunnel.start();
    },
  });
  // Follow mode, server side: its own port, on only when asked for (issue #15).
  const follow =
    options.followPort === undefined
      ? null
      : createFollowServer({
          store,
          dataDir,
          logger: logger.child('follow'),
          version,
          now: () => clock.now(),
          getConfig: () => config.current(),
          port: options.followPort,
          host: options.followHost,
          publicUrl: () => options.followPublicUrl ?? ngrokTunnel.followUrl?.() ?? null,
        });

  const testMarks = createTestMarks();
  const gaps = createGapProtection({
    dataDir,
    bus,
    clock,
    logger,
    fetch: options.fetch ?? globalThis.fetch,
    getConfig: () => config.current(),
    tunnel: () => tunnel,
    ...options.gaps,
  });

  // Connect (issue #14): subscriptions kept through the providers' APIs, recovery after gaps.
  const connect = createConnectManager({
    dataDir,
    bus,
    clock,
    logger,
    store,
    config,
    fetch: options.fetch ?? globalThis.fetch,
    webhookBase: () => tunnel.publicUrl() ?? receiverUrl(),
    onAccepted: (summary) => {
      void automations
        .onEvent(summary)
        .catch((err) => logger.error('Automations could not take a recovered event', { error: err }));
    },
    gaps: () => gaps.ledger.list(),
    ...options.connect,
  });

  const ctx: HandlerContext = {
    store,
    bus,
    config,
    logger: logger.child('api'),
    clock,
    dataDir,
    version,
    fetch: options.fetch ?? globalThis.fetch,
    receiverUrl,
    testMarks,
    tunnel: () => tunnel,
    automations: () => automations,
    reachability: () => gaps.reachability(),
    managed: (id) => connect.managed(id),
    follow: () => follower.status(),
    ...(follow ? { followers: () => follow.status() } : {}),
  };

  const handlers: ApiHandlers = combineHandlers(
    createEventHandlers(ctx),
    createConfigHandlers(ctx),
    createTestEventHandlers(ctx),
    createCheckScriptHandlers(),
    createAutomationToolHandlers({ getEvent: (id) => store.getEvent(id), dataDir }),
    createTestDeliveryHandlers({
      config: () => config.current(),
      outbox: () => outbox,
      now: () => clock.now(),
    }),
    automations.handlers, // replay, retries, outbox, pause, test runs
    {
      // listGaps, with what Connect recovered for each gap
      listGaps: async (args) => {
        const { items } = await gaps.handlers.listGaps(args);
        return { items: items.map((g) => ({ ...g, recoveries: connect.reports(g.id) })) };
      },
    },
    createTemplateHandlers({ store }), // previewTemplate
    follow?.handlers ?? followOffHandlers(), // createFollower, listFollowers, revokeFollower
  );

  const receiverApp = createReceiverApp({
    store,
    bus,
    logger, // the receiver names its own child logger
    clock,
    getConfig: () => config.current(),
    publicUrl: () => tunnel.publicUrl(),
    receiverUrl,
    testMarks,
    installId: () => installIdFor(dataDir),
    consumeProbe: gaps.consumeProbe,
    onAccepted: (summary) => {
      void automations
        .onEvent(summary)
        .catch((err) => logger.error('Automations could not take an event', { error: err }));
    },
  });

  /** Timeouts, half-closed senders, `Expect: 100-continue` and a connection cap within the open-file limit. */
  const guardReceiver = (srv: Server) => {
    const files = openFileLimit();
    const maxConnections = options.http?.maxConnections ?? receiverConnectionCap(files.limit);
    let shed = 0;
    const guard = guardServer(srv, {
      ...options.http,
      maxConnections,
      maxBodyBytes: () => config.current().limits.maxBodyBytes,
      tooLargeHint: ' (limits.maxBodyBytes in the config)',
      onShed: (what) => {
        // One line per hundred: a flood of connections must not flood the log too.
        if (++shed % 100 === 1)
          logger.warn(`The receiver is at its ${maxConnections} connections: ${shed} closed so far (${what} last)`);
      },
    });
    const known = files.known ? '' : ' (assumed: it cannot be read here)';
    logger.info(`Open-file limit ${files.limit}${known}: the receiver keeps up to ${maxConnections} connections`);
    return guard;
  };

  const shutdown = async () => {
    const tunnelStopped = capped(tunnel.stop(), TUNNEL_STOP_CAP_MS).catch((err) =>
      logger.warn('The tunnel did not stop cleanly', { error: err }),
    );
    for (const fn of cleanups.splice(0)) fn();
    await follow?.stop().catch((err) => logger.warn('The follow API did not stop cleanly', { error: err }));
    if (server) await server.drain();
    server = null;
    await connect.stop().catch((err) => logger.warn('Connect did not stop cleanly', { error: err }));
    await follower.stop().catch((err) => logger.warn('Following did not stop cleanly', { error: err }));
    await automations.stop().catch((err) => logger.error('Automations did not stop cleanly', { error: err }));
    await store.close().catch((err) => logger.error('The store did not close cleanly', { error: err }));
    await config.stop();
    await gaps.stop().catch((err) => logger.warn('The gap ledger did not stop cleanly', { error: err }));
    await tunnelStopped;
  };

  return {
    bus,
    handlers,
    store,
    config,
    receiverUrl,
    receiverPort: () => boundPort,
    gaps,
    connect,
    follower,
    followPort: () => (follow ? follow.port() : null),
    followBase: () => (follow ? follow.base() : null),

    async start() {
      await ensureWritableDir(dataDir);
      // What started so far, undone in reverse when a later step fails.
      const undo: (() => Promise<unknown>)[] = [];
      try {
        await config.start();
        undo.push(() => config.stop());
        await store.open().catch((err: unknown) => {
          throw new StartupError(`The event store in ${dataDir} cannot be opened: ${(err as Error).message}`, err);
        });
        undo.push(() => store.close());
        // No new id may sort before a stored one, even if the clock went back (store/settled.ts).
        const newest = store.listEvents({ limit: 1 }).items[0];
        if (newest) raiseIdFloor(newest.id);
        const srv = await listenReceiver({
          app: receiverApp,
          host,
          port: wantedPort,
          logger,
          configure: guardReceiver,
        });
        server = srv;
        boundPort = srv.port;
        undo.push(() => srv.drain());
        logger.info(`Receiver listening on ${receiverUrl()}`);
        if (follow) {
          await follow.start().catch((err: unknown) => {
            throw new StartupError((err as Error).message, err);
          });
          undo.push(() => follow.stop());
        }
        await automations.start();
        await gaps.start();
        await connect.start();
      } catch (err) {
        server = null;
        for (const fn of undo.reverse()) await fn().catch(() => undefined);
        throw err;
      }
      // Never awaited: a slow or hung tunnel must not hold the receiver back. A follower needs none.
      if (!follower.active()) tunnel.start();
      follower.start();
      cleanups.push(startRetention({ store, config, clock, logger, floor: follow ? () => follow.floor() : undefined }));
      cleanups.push(watchStatus({ bus, build: () => buildStatus(ctx), automations }));
    },

    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}

/** Creates the data folder and proves a file can be written there, before anything else touches it. */
async function ensureWritableDir(dir: string): Promise<void> {
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    await makeDirs(dir);
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'part of that path is a file, not a folder'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the disk is read-only'
            : code === 'ENOSPC'
              ? 'the disk is full'
              : code === 'ENOENT'
                ? 'the system does not allow a folder there'
                : (code ?? (err as Error).message);
    throw new StartupError(
      `The data folder ${dir} cannot be written to (${why}). Use --data-dir to pick another.`,
      err,
    );
  }
}

function capped<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<undefined>((ok) => {
    timer = setTimeout(() => ok(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
