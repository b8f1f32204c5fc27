import type { Migration } from './migration.js';
import { V001_INITIAL_SCHEMA } from './v001-initial-schema.js';
import { V002_FEATURES_AND_POWERSCREEN } from './v002-features-and-powerscreen.js';
import { V003_HISTORY_SPANS } from './v003-history-spans.js';

/** Every migration this Qubit knows, in version order. Append; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  V001_INITIAL_SCHEMA,
  V002_FEATURES_AND_POWERSCREEN,
  V003_HISTORY_SPANS,
];
