// The desktop-only IPC methods of shared/desktop.ts, each with the zod schema
// the one IPC wrapper (ipc.ts guardedHandler) validates its arguments with.
import { z } from 'zod';
import type { Config } from '../../shared/config';
import type { DesktopBridge, DesktopMethod, RevealTarget, SecretsStorageStatus } from '../../shared/desktop';
import type { LaunchAtLogin } from './native';
import { preferencesInputSchema, type PrefsStore } from './prefs';

const empty = z.object({}).strict();

export const desktopArgs = {
  pickScript: z.object({ defaultPath: z.string().max(4096).nullable().optional() }).strict(),
  revealInFolder: z.discriminatedUnion('target', [
    z.object({ target: z.literal('dataDir') }).strict(),
    z.object({ target: z.literal('script'), automationId: z.string().min(1).max(64) }).strict(),
    z.object({ target: z.literal('scripts') }).strict(),
  ]),
  getLaunchAtLogin: empty,
  setLaunchAtLogin: z.object({ enabled: z.boolean() }).strict(),
  getSecretsStorage: empty,
  getPreferences: empty,
  setPreferences: preferencesInputSchema,
} satisfies Record<DesktopMethod, z.ZodType>;

type Result<M extends DesktopMethod> = Awaited<ReturnType<DesktopBridge[M]>>;

export type DesktopHandlerMap = {
  [M in DesktopMethod]: {
    schema: (typeof desktopArgs)[M];
    fn: (args: z.output<(typeof desktopArgs)[M]>) => Promise<Result<M>>;
  };
};

export interface DesktopHandlerDeps {
  pickScript(defaultPath: string | null): Promise<{ path: string | null }>;
  reveal(target: RevealTarget): Promise<{ ok: true }>;
  launchAtLogin: LaunchAtLogin;
  /** Called after launch-at-login changed, so the tray's checkbox follows. */
  onLaunchAtLoginChanged(): void;
  secrets(): SecretsStorageStatus;
  prefs: PrefsStore;
  config(): Config;
}

export function createDesktopHandlers(deps: DesktopHandlerDeps): DesktopHandlerMap {
  return {
    pickScript: { schema: desktopArgs.pickScript, fn: (a) => deps.pickScript(a.defaultPath ?? null) },
    revealInFolder: { schema: desktopArgs.revealInFolder, fn: (a) => deps.reveal(a) },
    getLaunchAtLogin: { schema: desktopArgs.getLaunchAtLogin, fn: async () => deps.launchAtLogin.get() },
    setLaunchAtLogin: {
      schema: desktopArgs.setLaunchAtLogin,
      fn: async (a) => {
        const result = await deps.launchAtLogin.set(a.enabled);
        deps.onLaunchAtLoginChanged();
        return result;
      },
    },
    getSecretsStorage: { schema: desktopArgs.getSecretsStorage, fn: async () => deps.secrets() },
    getPreferences: { schema: desktopArgs.getPreferences, fn: async () => deps.prefs.get() },
    setPreferences: { schema: desktopArgs.setPreferences, fn: (a) => deps.prefs.set(a) },
  };
}
