// Worker threads do not inherit the parent's module hooks on Node 20, so each worker registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
