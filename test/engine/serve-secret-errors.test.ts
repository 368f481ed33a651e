// `hookdock serve` refusing a config.json with a secret pasted without quotes:
// one line on stderr naming the line, column and JSON path, never the secret
// or any prefix of it (issue #10, kind 9). The built CLI as a real child process.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ensureBuilt, runCli, serveArgs } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';

beforeAll(() => ensureBuilt(), 180_000);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(() => removeDir(dir));

const SECRETS = ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '9c4e1b7a2f6d8e3c5a0b9d7f1e4c2a8b6d3f5e7a'];

for (const secret of SECRETS) {
  it(`start-up error for ${secret.slice(0, 3)}…: one line with line, column and path, no part of the secret`, async () => {
    await writeFile(
      join(dir, 'config.json'),
      `{\n  "destinations": [\n    { "id": "crm", "url": "https://example.com/h",\n      "secret": ${secret} }\n  ]\n}\n`,
    );
    const r = await runCli(serveArgs(dir).slice(1));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^hookdock: .*config\.json is not valid JSON: line 4, column 1[78] \(at destinations\[0\]\.secret\)/,
    );
    for (let n = 6; n <= secret.length; n++) expect(r.stderr + r.stdout).not.toContain(secret.slice(0, n));
  });
}
