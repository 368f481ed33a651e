// The composition root: the one place that builds the engine's parts and wires
// them together. Hosts (electron/main.ts, electron/cli.ts) and tests only call
// createEngine(options) -> start()/stop().
//
// start(): data dir -> config -> store -> receiver listening -> automations -> tunnel (never awaited)
// stop():  stop accepting -> in-flight requests finish -> automations -> store; tunnel in parallel, capped
import { rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { ApiHandlers } from '../../shared/api';
import type { Status } from '../../shared/types';
import { createConfigService } from './config/service';
import { createConfigHandlers } from './handlers/config';
import type { HandlerContext } from './handlers/context';
import { buildStatus, createEventHandlers } from './handlers/events';
import { createTestEventHandlers } from './handlers/test-event';
import { createCheckScriptHandlers } from './handlers/check-script';
import { createTestDeliveryHandlers } from './handlers/test-delivery';
import { createReceiverApp } from './receiver/app';
import { createStore } from './store';
import { createAutomations } from './automations/service';
import { createTunnel, type NgrokLike } from './tunnel';
import type { AutomationsService, Engine, EngineDeps, EngineOptions, TunnelService } from './types';
import { createBus } from './util/bus';
import { systemClock } from './util/clock';
import { createLogger } from './util/logger';
import { makeDirs } from './util/mkdirs';

/** A reason the engine cannot start, as one sentence a person can act on. */
export class StartupError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

const HOUR = 3_600_000;
const DRAIN_TIMEOUT_MS = 10_000;
const TUNNEL_STOP_CAP_MS = 5_000;
const STATUS_THROTTLE_MS = 500;

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

  let server: Server | null = null;
  let boundPort = 0;
  let inFlight = 0;
  let pruneTimer: NodeJS.Timeout | null = null;
  let stopping: Promise<void> | null = null;
  const cleanups: (() => void)[] = [];

  const receiverUrl = () => {
    // A wildcard bind is reached through loopback from this machine.
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${shown.includes(':') ? `[${shown}]` : shown}:${boundPort}`;
  };

  const deps: EngineDeps = { store, bus, config, logger, clock, dataDir };

  // ---- automations (jobs, script runner, outbox) --------------------------
  const composed = createAutomations({
    ...deps,
    logger: logger.child('automations'),
    spawn: options.spawn,
    fetch: options.fetch,
    version,
  });
  const automations: AutomationsService = composed;
  // ---- end automations -----------------------------------------------------

  // ---- tunnel --------------------------------------------------------------
  const tunnel: TunnelService = createTunnel({
    bus,
    logger: logger.child('tunnel'),
    clock,
    ngrok: options.ngrok as NgrokLike | undefined,
    receiverPort: () => boundPort,
    receiverHost: () => host,
    getConfig: () => config.current(),
    envAuthtoken: options.ngrokAuthtoken,
    override: options.tunnel,
    dataDir,
    version,
  });
  // ---- end tunnel ----------------------------------------------------------

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
    tunnel: () => tunnel,
    automations: () => automations,
  };

  const handlers: ApiHandlers = {
    ...createEventHandlers(ctx),
    ...createConfigHandlers(ctx),
    ...createTestEventHandlers(ctx),
    ...createCheckScriptHandlers(),
    ...createTestDeliveryHandlers({
      config: () => config.current(),
      outbox: () => composed.outbox,
      now: () => clock.now(),
    }),
    // replayEvent, retryRun, listOutbox, retryDelivery, setAutomationsPaused, testRunAutomation
    ...automations.handlers,
  };

  const receiverApp = createReceiverApp({
    store,
    bus,
    logger, // the receiver names its own child logger
    clock,
    getConfig: () => config.current(),
    publicUrl: () => tunnel.publicUrl(),
    receiverUrl,
    onAccepted: (summary) => {
      void automations
        .onEvent(summary)
        .catch((err) => logger.error('Automations could not take an event', { error: err }));
    },
  });

  const prune = async () => {
    try {
      const { eventsRemoved } = await store.prune(config.current().retention.days, clock.now());
      if (eventsRemoved)
        logger.info(`Removed ${eventsRemoved} events older than ${config.current().retention.days} days`);
    } catch (err) {
      logger.warn('Pruning old events failed; will try again in an hour', { error: err });
    }
  };

  const listen = (): Promise<Server> =>
    new Promise((ok, fail) => {
      const srv = createServer(receiverApp);
      srv.on('request', (_req, res) => {
        inFlight++;
        res.once('close', () => inFlight--);
      });
      srv.once('error', (err: NodeJS.ErrnoException) => fail(listenError(err, host, wantedPort)));
      srv.listen(wantedPort, host, () => {
        const address = srv.address();
        boundPort = typeof address === 'object' && address ? address.port : wantedPort;
        srv.on('error', (err) => logger.error('Receiver server error', { error: err }));
        ok(srv);
      });
    });

  /** Server.close() waits for every connection; keep-alive ones are closed as soon as they are idle. */
  const drain = async (srv: Server) => {
    const closed = new Promise<void>((ok) => srv.close(() => ok()));
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (inFlight > 0 && Date.now() < deadline) {
      srv.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 10));
    }
    if (inFlight > 0) logger.warn(`Stopping with ${inFlight} requests still open`);
    srv.closeAllConnections();
    await closed;
  };

  const watchStatus = () => {
    let timer: NodeJS.Timeout | null = null;
    let lastEmit = 0;
    let lastJson = JSON.stringify(buildStatus(ctx));
    const emitIfChanged = () => {
      timer = null;
      lastEmit = Date.now();
      const status: Status = buildStatus(ctx);
      const json = JSON.stringify(status);
      if (json === lastJson) return;
      lastJson = json;
      bus.emit('status.changed', status);
    };
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(emitIfChanged, Math.max(0, lastEmit + STATUS_THROTTLE_MS - Date.now()));
      timer.unref();
    };
    const off = bus.onAny((name) => {
      if (name !== 'status.changed' && name !== 'run.output') schedule();
    });
    // Jobs come and go without a bus event (a delivery's job goes after its last update): jobsPending.
    const offCounts = automations.onCountsChanged?.(schedule);
    cleanups.push(() => {
      offCounts?.();
      off();
      if (timer) clearTimeout(timer);
    });
  };

  const shutdown = async () => {
    const tunnelStopped = capped(tunnel.stop(), TUNNEL_STOP_CAP_MS).catch((err) =>
      logger.warn('The tunnel did not stop cleanly', { error: err }),
    );
    if (pruneTimer) clearInterval(pruneTimer);
    pruneTimer = null;
    for (const fn of cleanups.splice(0)) fn();
    if (server) await drain(server);
    server = null;
    await automations.stop().catch((err) => logger.error('Automations did not stop cleanly', { error: err }));
    await store.close().catch((err) => logger.error('The store did not close cleanly', { error: err }));
    await config.stop();
    await tunnelStopped;
  };

  return {
    bus,
    handlers,
    store,
    config,
    receiverUrl,
    receiverPort: () => boundPort,

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
        const srv = await listen();
        server = srv;
        undo.push(() => drain(srv));
        logger.info(`Receiver listening on ${receiverUrl()}`);
        await automations.start();
      } catch (err) {
        server = null;
        for (const fn of undo.reverse()) await fn().catch(() => undefined);
        throw err;
      }
      tunnel.start(); // never awaited: a slow or hung tunnel must not hold the receiver back
      void prune();
      pruneTimer = setInterval(() => void prune(), HOUR);
      pruneTimer.unref();
      // A shorter retention set in the UI or by hand applies now, not within the hour.
      let retentionDays = config.current().retention.days;
      cleanups.push(
        config.onChange((c) => {
          if (c.retention.days < retentionDays) void prune();
          retentionDays = c.retention.days;
        }),
      );
      watchStatus();
    },

    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') {
    return new StartupError(
      `Port ${port} is already in use — is Hookdock already running? Use --port to pick another.`,
      err,
    );
  }
  if (err.code === 'EACCES') {
    return new StartupError(
      `Port ${port} needs administrator rights on this system. Use --port to pick one above 1024.`,
      err,
    );
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new StartupError(`Cannot listen on ${host}: this machine has no such address. Use --host 127.0.0.1.`, err);
  }
  return new StartupError(`The receiver cannot listen on ${host}:${port} (${err.code ?? err.message}).`, err);
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
