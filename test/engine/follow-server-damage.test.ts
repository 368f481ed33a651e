// A damaged followers.json: the server still starts, the damaged bytes are kept in
// DATA_DIR/quarantine before anything rewrites the file, and the dashboard says what happened.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/types';
import { hashToken } from '../../electron/engine/follow/server/followers';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { addFollower, followGet, startFollowEngine, writeConfig } from './follow-server-helpers';

let dir: string;
let engine: Engine | null;

beforeEach(async () => {
  dir = await makeTempDir();
  await writeConfig(dir);
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

async function quarantined(): Promise<string[]> {
  const names = (await readdir(join(dir, 'quarantine')).catch(() => [] as string[])).filter((n) =>
    n.endsWith('followers.json'),
  );
  return Promise.all(names.map((n) => readFile(join(dir, 'quarantine', n), 'utf8')));
}

async function warnings(e: Engine): Promise<string[]> {
  const status = await e.handlers.getStatus({});
  return status.followers?.warnings ?? [];
}

describe('follow server: a damaged followers.json', () => {
  it('a file that is not JSON is kept in quarantine and reported; the server starts', async () => {
    const damaged = '{"followers": [ {"id": "flw_1", "tokenHash": "ab';
    await writeFile(join(dir, 'followers.json'), damaged);
    engine = await startFollowEngine(dir);
    expect(await quarantined()).toEqual([damaged]);
    expect((await warnings(engine)).join(' ')).toMatch(/followers file was damaged.*quarantine/);
    // Adding a follower rewrites the file; the damaged bytes stay in quarantine.
    await addFollower(engine, 'New');
    expect(await quarantined()).toEqual([damaged]);
  });

  it('followers it cannot use are not dropped silently; the good ones still connect', async () => {
    const token = 'hdf_' + 'A'.repeat(43);
    const good = {
      id: 'flw_good',
      name: 'Good',
      tokenHash: hashToken(token).toString('hex'),
      createdAt: new Date(0).toISOString(),
      ackedCursor: null,
      ackedAt: null,
    };
    const bad = { ...good, id: 'flw_bad', name: 'Bad', tokenHash: 'not-a-hash' };
    const text = JSON.stringify({ followers: [good, bad] });
    await writeFile(join(dir, 'followers.json'), text);
    engine = await startFollowEngine(dir);
    expect(await quarantined()).toEqual([text]);
    expect((await warnings(engine)).join(' ')).toMatch(/1 follower in the followers file could not be read/);
    const hello = await followGet(engine.followBase()!, token, '/follow/v1/hello');
    expect(hello.status).toBe(200);
  });

  it('a file that is JSON of the wrong shape is kept too', async () => {
    await writeFile(join(dir, 'followers.json'), '{"followers": {"flw_1": {}}}');
    engine = await startFollowEngine(dir);
    expect(await quarantined()).toHaveLength(1);
    expect((await warnings(engine)).join(' ')).toMatch(/damaged/);
  });
});
