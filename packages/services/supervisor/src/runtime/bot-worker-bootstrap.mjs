// A worker thread does not inherit the host's TypeScript loader: register tsx here, then load the
// worker's real entry. Plain JavaScript because nothing can compile this file for it.
import { register } from 'tsx/esm/api';

register();
await import('./bot-worker.ts');
