// kill -9 in the middle of a burst of CSV appends (electron/engine/actions/csv/append.ts):
// a real child process appends rows to a real file until it is killed with SIGKILL; then
// every line of the file is one complete row, and the next append (a restart) still leaves a
// file that parses with every row complete.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { appendRow, csvLine } from '../../electron/engine/actions/csv/append';
import { makeTempDir, removeDir } from '../helpers/tmp';

const BURST = fileURLToPath(new URL('../fixtures/csv-append-burst.ts', import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('hookdock-csv-kill-');
});
afterEach(async () => {
  await removeDir(dir);
});

function checkRows(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const rows = parse(text.slice(1), { relax_column_count: false }) as string[][];
  expect(rows[0]).toEqual(['n', 'name', 'note']);
  for (const [i, r] of rows.slice(1).entries()) {
    expect(r[0]).toBe(String(i));
    expect(r[1]).toBe(`Zoë "Ångström" ${i}`);
    expect(r[2]).toBe('x,'.repeat(200 + (i % 50)) + 'お茶');
  }
  return rows;
}

it('after kill -9 mid-burst every line is a complete row, and appending again keeps it so', async () => {
  const file = join(dir, 'orders.csv');
  const child = spawn(process.execPath, ['--import', 'tsx', BURST, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  // "ready" comes after 300 rows, with the burst still going: the kill lands mid-burst.
  child.stdout.setEncoding('utf8');
  await once(child.stdout, 'data');
  child.kill('SIGKILL');
  const [, signal] = await once(child, 'exit');
  expect(signal).toBe('SIGKILL');

  const text = await readFile(file, 'utf8');
  const lines = text.split('\r\n');
  expect(lines.pop()).toBe(''); // the file ends with a complete row
  const rows = checkRows(text);
  expect(rows.length).toBe(lines.length);
  expect(rows.length).toBeGreaterThan(301);

  // A restart appends the next row: still complete, right after the last.
  const n = rows.length - 1;
  const res = await appendRow(
    file,
    csvLine(['n', 'name', 'note']),
    csvLine([String(n), `Zoë "Ångström" ${n}`, 'x,'.repeat(200 + (n % 50)) + 'お茶']),
    false,
  );
  expect(res).toEqual({ header: false, tornBytes: 0, alreadyWritten: false });
  expect(checkRows(await readFile(file, 'utf8'))).toHaveLength(rows.length + 1);
});

it('a retried append finds its row already written and does not write it twice', async () => {
  const file = join(dir, 'orders.csv');
  const header = csvLine(['a']);
  await appendRow(file, header, csvLine(['one']), false);
  await appendRow(file, header, csvLine(['two']), false);
  expect(await appendRow(file, header, csvLine(['one']), true)).toMatchObject({ alreadyWritten: true });
  expect(await appendRow(file, header, csvLine(['on']), true)).toMatchObject({ alreadyWritten: false });
  expect(await readFile(file, 'utf8')).toBe('\uFEFFa\r\none\r\ntwo\r\non\r\n');
});
