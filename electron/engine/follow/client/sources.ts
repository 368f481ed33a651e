// Mirrors the followed server's sources into this computer's config, so its events'
// source ids have names and providers here and the owner can pick them for automations.
// A mirrored source is marked `followed: true`, carries no secret, and the receiver here
// refuses direct webhooks for it (its webhooks go to the server). Sources the server no
// longer has are kept: events stored here still name them. A source of the same id set up
// here by hand is left as it is.
import type { FollowHello } from '../../../../shared/follow';
import { PROVIDERS, type ProviderId } from '../../../../shared/types';
import type { SourceConfig } from '../../../../shared/config';
import type { ConfigService } from '../../types';

const isProvider = (p: string): p is ProviderId => (PROVIDERS as readonly string[]).includes(p);

/** The mirrored sources a hello adds or renames; an empty list when the config is up to date. */
export function sourcesToMirror(current: readonly SourceConfig[], hello: FollowHello): SourceConfig[] {
  const out: SourceConfig[] = [];
  for (const s of hello.sources) {
    if (!isProvider(s.provider)) continue;
    const here = current.find((c) => c.id === s.id);
    const wanted: SourceConfig = {
      id: s.id,
      provider: s.provider,
      followed: true,
      ...(s.name ? { name: s.name } : {}),
    };
    if (!here || (here.followed && (here.provider !== wanted.provider || here.name !== wanted.name))) out.push(wanted);
  }
  return out;
}

/** Writes the mirrored sources (one config save, only when something changed). */
export async function mirrorSources(config: Pick<ConfigService, 'current' | 'update'>, hello: FollowHello) {
  if (sourcesToMirror(config.current().sources, hello).length === 0) return;
  await config.update((draft) => {
    for (const s of sourcesToMirror(draft.sources, hello)) {
      const i = draft.sources.findIndex((c) => c.id === s.id);
      if (i === -1) draft.sources.push(s);
      else draft.sources[i] = s;
    }
  });
}
