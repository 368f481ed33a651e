// Runs a build's dist/cli.js (argv[2], the rest its arguments) in this process and, on
// SIGUSR2, prints its heap figures as one stderr line: `MEM {"rss":..,"heapUsed":..,...}`
// (bytes, process.memoryUsage()). For the memory benches only: RSS alone cannot tell a
// held buffer from a heap the allocator has not handed back yet. With HOOKDOCK_BENCH_GC=1
// (and node's --expose-gc) it runs a full collection first: what then goes away was
// garbage, not held.
import { pathToFileURL } from 'node:url';

const [cli, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], cli, ...args];
process.on('SIGUSR2', () => {
  if (process.env.HOOKDOCK_BENCH_GC && globalThis.gc) globalThis.gc();
  process.stderr.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`);
});
await import(pathToFileURL(cli).href);
