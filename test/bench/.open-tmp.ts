import { createStore } from '../../electron/engine/store';
import { memoryLogger } from '../../electron/engine/util/logger';
const t0 = performance.now();
const store = createStore({ dataDir: process.argv[2], logger: memoryLogger() });
await store.open();
console.log('open ms', (performance.now() - t0).toFixed(0), 'rss', (process.memoryUsage().rss / 1048576).toFixed(0));
process.exit(0);
