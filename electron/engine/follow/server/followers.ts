// The followers a server lets read its events (issue #15), kept in DATA_DIR/followers.json:
//   { "followers": [ { id, name, tokenHash, createdAt, ackedCursor, ackedAt } ] }
// A token (`hdf_` + 32 random bytes, base64url) is shown once, when the follower is
// added, and only its SHA-256 is stored: a copy of the data folder cannot follow the
// server. Checks hash what is presented and compare hashes in constant time.
// Every change is written atomically (util/atomic-write.ts); acknowledgements that
// arrive while a write is under way share the next write (one fsync for many acks).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FollowerInfo } from '../../../../shared/follow';
import { QUARANTINE_DIR, keepBytes } from '../../store/quarantine';
import { writeFileAtomic } from '../../util/atomic-write';
import { newId } from '../../util/ids';
import type { Logger } from '../../util/logger';

export const FOLLOWERS_FILE = 'followers.json';
const TOKEN_PREFIX = 'hdf_';

export interface FollowerRecord {
  id: string;
  name: string;
  /** hex SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  createdAt: string;
  /** The largest cursor (event id) it acknowledged; null before its first ack. */
  ackedCursor: string | null;
  ackedAt: string | null;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A new follower token: `hdf_` + 32 random bytes in base64url (43 characters). */
export function newFollowerToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export class FollowerBook {
  private records: FollowerRecord[] = [];
  private readonly file: string;
  private writing: Promise<void> | null = null;
  private again: Promise<void> | null = null;
  private damageText: string | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.file = join(dataDir, FOLLOWERS_FILE);
  }

  /**
   * Reads the file; a missing one is an empty list. Throws (a sentence) when it cannot be read. A
   * file that is not JSON, or followers it cannot use, are first copied to DATA_DIR/quarantine
   * (the next save rewrites the file: nothing may vanish silently), and damage() says so.
   */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`The followers file ${this.file} cannot be read (${(err as NodeJS.ErrnoException).code}).`, {
        cause: err,
      });
    }
    let listed: unknown[] | null = null;
    try {
      const parsed = JSON.parse(text) as { followers?: unknown } | null;
      const followers = parsed && typeof parsed === 'object' ? (parsed.followers ?? []) : null;
      if (Array.isArray(followers)) listed = followers;
    } catch {
      listed = null;
    }
    const usable = (listed ?? []).filter(isRecord);
    if (listed && usable.length === listed.length) {
      this.records = usable;
      return;
    }
    const kept = await keepBytes(join(this.dataDir, QUARANTINE_DIR), FOLLOWERS_FILE, Buffer.from(text), this.now());
    const lost = listed ? listed.length - usable.length : null;
    this.damageText =
      lost === null
        ? `The followers file was damaged (not the JSON Hookdock writes), so no follower can connect: it was kept as ${kept}. Add the followers again in Settings → Followers.`
        : `${lost} follower${lost === 1 ? '' : 's'} in the followers file could not be read and cannot connect: the file was kept as ${kept}. Add ${lost === 1 ? 'it' : 'them'} again in Settings → Followers.`;
    this.logger.error(this.damageText, { file: this.file });
    this.records = usable;
  }

  /** A sentence when load() found damage (kept in quarantine), else null. */
  damage(): string | null {
    return this.damageText;
  }

  list(): readonly FollowerRecord[] {
    return this.records;
  }

  get(id: string): FollowerRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** Adds a follower; resolves once it is on disk, with the token (shown once, never stored). */
  async add(name: string): Promise<{ record: FollowerRecord; token: string }> {
    const token = newFollowerToken();
    const record: FollowerRecord = {
      id: newId('flw', this.now()),
      name,
      tokenHash: hashToken(token).toString('hex'),
      createdAt: new Date(this.now()).toISOString(),
      ackedCursor: null,
      ackedAt: null,
    };
    this.records = [...this.records, record];
    await this.save();
    return { record, token };
  }

  /** Removes it; false when there was none with that id. */
  async revoke(id: string): Promise<boolean> {
    const before = this.records.length;
    this.records = this.records.filter((r) => r.id !== id);
    if (this.records.length === before) return false;
    await this.save();
    return true;
  }

  /** The follower whose token this is, or null. Every stored hash is compared, in constant time each. */
  authenticate(token: string | null): FollowerRecord | null {
    if (!token || !token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const given = hashToken(token);
    let found: FollowerRecord | null = null;
    for (const r of this.records) {
      if (timingSafeEqual(given, Buffer.from(r.tokenHash, 'hex'))) found = r;
    }
    return found;
  }

  /**
   * Records an acknowledgement durably. Monotonic: a cursor at or below the one kept
   * changes nothing (cursors are event ids, compared as strings: store/settled.ts).
   * Resolves once on disk; false for an unknown (revoked) follower.
   */
  async ack(id: string, cursor: string): Promise<boolean> {
    const r = this.get(id);
    if (!r) return false;
    if (r.ackedCursor !== null && cursor <= r.ackedCursor) return true;
    const updated = { ...r, ackedCursor: cursor, ackedAt: new Date(this.now()).toISOString() };
    this.records = this.records.map((x) => (x.id === id ? updated : x));
    await this.save();
    return true;
  }

  /**
   * The retention floor: the smallest acknowledged cursor among the followers ('' when
   * one has acknowledged nothing yet: keep everything), or undefined when there are none.
   */
  floor(): string | undefined {
    if (!this.records.length) return undefined;
    let min: string | undefined;
    for (const r of this.records) {
      const c = r.ackedCursor ?? '';
      if (min === undefined || c < min) min = c;
    }
    return min;
  }

  /** Coalesced atomic writes: a save asked for during a write runs once after it, for all who asked. */
  private save(): Promise<void> {
    if (!this.writing) {
      this.writing = this.writeNow().finally(() => (this.writing = null));
      return this.writing;
    }
    this.again ??= this.writing
      .catch(() => {})
      .then(() => {
        this.again = null;
        return this.save();
      });
    return this.again;
  }

  private async writeNow(): Promise<void> {
    const text = JSON.stringify({ followers: this.records }, null, 2) + '\n';
    try {
      await writeFileAtomic(this.file, text);
    } catch (err) {
      this.logger.error('Could not save the followers file', { error: err });
      throw err;
    }
  }
}

function isRecord(r: unknown): r is FollowerRecord {
  const x = r as Partial<FollowerRecord> | null;
  return (
    typeof x?.id === 'string' &&
    typeof x.tokenHash === 'string' &&
    /^[0-9a-f]{64}$/.test(x.tokenHash) &&
    (x.ackedCursor === null || x.ackedCursor === undefined || typeof x.ackedCursor === 'string')
  );
}

/** The dashboard's view of one follower (never its token or hash). */
export function followerInfo(r: FollowerRecord, behind: number, connected: boolean): FollowerInfo {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.createdAt,
    ackedCursor: r.ackedCursor,
    ackedAt: r.ackedAt,
    behind,
    connected,
  };
}
