import { promises as fsp } from 'node:fs';
import { EventIndex } from '../../electron/engine/store/event-index';
const dir = process.argv[2] + '/store/segments';
const names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.idx.json')).sort();
const sides: any[] = [];
for (const n of names) sides.push(JSON.parse(await fsp.readFile(dir + '/' + n, 'utf8')));
for (let r = 0; r < 3; r++) {
let t = performance.now();
const m = new Map(); for (const s of sides) for (const e of s.events) m.set(e.id, { s: e, seg: 1 });
const t1 = performance.now();
const d = new Map(); for (const s of sides) for (const e of s.events) d.set(`${e.source}\u0000${e.providerEventId}`, e.id);
const t2 = performance.now();
const idx = new EventIndex(); for (const s of sides) for (const e of s.events) idx.add(e, s.seq, true);
const t3 = performance.now();
console.log('byId', (t1 - t).toFixed(0), 'dedupe', (t2 - t1).toFixed(0), 'full add', (t3 - t2).toFixed(0));
}
