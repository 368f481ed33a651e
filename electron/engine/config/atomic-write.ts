// The atomic write lives in util/ so the desktop shell can share it (the shell
// may import the engine, never the other way round); re-exported for config/.
export { writeFileAtomic } from '../util/atomic-write';
