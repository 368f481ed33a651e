// Config edits from the UI. Each goes through config.update(), which
// validates (400 with the JSON path), writes atomically and notifies.
// Secrets: a missing (or masked) secret keeps the stored one, so the UI never
// needs to know it.
import { randomBytes } from 'node:crypto';
import type { ApiHandlers, ApiParsedArgs } from '../../../shared/api';
import type { ConnectConfig } from '../../../shared/connect';
import { mapActionSecrets, type ActionConfig } from '../../../shared/actions';
import { SECRET_MASK, type Config } from '../../../shared/config';
import { toPublicConfig } from '../config/public';
import { parsePairingLink } from '../follow/client/link';
import { HttpError, notFound } from '../util/errors';
import { baseUrl, type HandlerContext } from './context';

type ConfigHandlers = Pick<
  ApiHandlers,
  | 'getConfig'
  | 'saveSource'
  | 'deleteSource'
  | 'saveAutomation'
  | 'deleteAutomation'
  | 'saveDestination'
  | 'deleteDestination'
  | 'updateSettings'
>;

/** A Standard Webhooks signing secret: whsec_ + 24 random bytes, base64. */
export function generateWebhookSecret(): string {
  return 'whsec_' + randomBytes(24).toString('base64');
}

/** The UI sends nothing, an empty string or the mask back when the owner did not type a new secret. */
function typedSecret(secret: string | undefined): string | undefined {
  if (secret === undefined || secret === '' || secret === SECRET_MASK) return undefined;
  return secret;
}

/**
 * A source's `connect` after a save: omitted keeps the stored one, null removes it; a
 * credential left out (or masked) keeps the stored credential. With none at all, zod's
 * validation of the saved config names `connect.credential` as missing.
 */
function connectOf(
  input: ApiParsedArgs<'saveSource'>['connect'],
  stored: ConnectConfig | undefined,
): ConnectConfig | undefined {
  if (input === undefined) return stored;
  if (input === null) return undefined;
  const credential = typedSecret(input.credential) ?? stored?.credential ?? '';
  const account = input.account?.trim() || undefined;
  return { credential, events: input.events, ...(account ? { account } : {}) };
}

/** Replaces the item with the same id in place (keeping order), or appends it. */
function upsert<T extends { id: string }>(list: T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) return [...list, item];
  const copy = [...list];
  copy[i] = item;
  return copy;
}

function removeOrThrow<T extends { id: string }>(list: T[], id: string, what: string): T[] {
  if (!list.some((x) => x.id === id)) throw notFound(what);
  return list.filter((x) => x.id !== id);
}

export function createConfigHandlers(ctx: HandlerContext): ConfigHandlers {
  const publicConfig = (config: Config) =>
    toPublicConfig(config, baseUrl(ctx), ctx.config.secretsStorage?.(), (id) => ctx.managed?.(id) ?? null);
  const edit = async (mutate: (draft: Config) => void) => publicConfig(await ctx.config.update(mutate));

  return {
    getConfig: async () => publicConfig(ctx.config.current()),

    saveSource: (input) =>
      edit((draft) => {
        const stored = draft.sources.find((s) => s.id === input.id);
        const secret = typedSecret(input.secret) ?? stored?.secret;
        // A source mirrored from a followed server stays one when edited here.
        const source = {
          ...input,
          secret,
          connect: connectOf(input.connect, stored?.connect),
          ...(stored?.followed ? { followed: true } : {}),
        };
        // An unsigned source has no secret to keep.
        if (source.provider === 'none' && !typedSecret(input.secret)) delete source.secret;
        if (source.secret === undefined) delete source.secret;
        if (source.connect === undefined) delete source.connect;
        draft.sources = upsert(draft.sources, source);
      }),

    deleteSource: ({ id }) =>
      edit((draft) => {
        draft.sources = removeOrThrow(draft.sources, id, 'That source');
      }),

    saveAutomation: (automation) =>
      edit((draft) => {
        // A masked action secret coming back means "unchanged": keep the stored one (same kind only).
        const stored = draft.automations.find((a) => a.id === automation.id)?.action;
        const storedSecrets = new Map<string, string>();
        if (stored && stored.kind === automation.action?.kind) {
          mapActionSecrets(stored, (v, p) => (storedSecrets.set(p, v), v));
        }
        const action = mapActionSecrets(automation.action, (v, p) =>
          v === SECRET_MASK ? (storedSecrets.get(p) ?? '') : v,
        ) as ActionConfig | undefined;
        // A forward whose masked secret had nothing stored behind it is unsigned.
        if (action?.kind === 'forward' && !action.secret) delete action.secret;
        draft.automations = upsert(draft.automations, action ? { ...automation, action } : automation);
      }),

    deleteAutomation: ({ id }) =>
      edit((draft) => {
        draft.automations = removeOrThrow(draft.automations, id, 'That automation');
      }),

    saveDestination: (input) =>
      edit((draft) => {
        const stored = draft.destinations.find((d) => d.id === input.id);
        const secret =
          input.secret === 'generate'
            ? generateWebhookSecret()
            : (typedSecret(input.secret) ?? stored?.secret ?? generateWebhookSecret());
        draft.destinations = upsert(draft.destinations, { ...input, secret });
      }),

    deleteDestination: ({ id }) =>
      edit((draft) => {
        draft.destinations = removeOrThrow(draft.destinations, id, 'That destination');
      }),

    updateSettings: (settings) =>
      edit((draft) => {
        if (settings.tunnel) {
          const { authtoken, ...rest } = settings.tunnel;
          Object.assign(draft.tunnel, dropUndefined(rest));
          // The masked token coming back means "unchanged"; null or "" clears it.
          if (authtoken !== undefined && authtoken !== SECRET_MASK) draft.tunnel.authtoken = authtoken || null;
        }
        if (settings.retention) draft.retention = { ...draft.retention, ...settings.retention };
        if (settings.limits) Object.assign(draft.limits, dropUndefined(settings.limits));
        if (settings.follow === null) draft.follow = null;
        else if (settings.follow && settings.follow.link !== SECRET_MASK) {
          try {
            parsePairingLink(settings.follow.link);
          } catch (err) {
            throw new HttpError(400, 'invalid_pairing_link', (err as Error).message);
          }
          draft.follow = { link: settings.follow.link.trim() };
        }
      }),
  };
}

function dropUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
