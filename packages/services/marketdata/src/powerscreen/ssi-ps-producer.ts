import { toBinary } from '@bufbuild/protobuf';
import { Topic, type Bus, type Clock } from '@qubit/engine';
import { ModelError } from '@qubit/model';
import { SsiPsSnapshotSchema, type SsiPsSnapshot } from '../gen/markets/v1/ssi_ps_pb.js';
import type { SsiPsSnapshotBytes } from './ssi-ps-snapshot-bytes.js';
import { checkSsiPsSnapshot } from './ssi-ps-snapshot-check.js';
import { ssiPsSnapshotFromJson } from './ssi-ps-snapshot-json.js';

export interface SsiPsProducerOptions {
  readonly bus: Bus;
  /** Stamps ts_init on snapshots whose JSON has none, and on every published message. */
  readonly clock: Clock;
}

/**
 * Publishes HOSE PowerScreen snapshots (seed 000 §2.5) on `ssi_ps`, keyed by code so that one stock's
 * snapshots keep their order, each as the protobuf bytes of a `markets.v1.SsiPsSnapshot`. A snapshot is
 * checked before it is encoded: a bad one throws a ModelError naming the field and nothing is published.
 */
export class SsiPsProducer {
  private count = 0;

  constructor(private readonly options: SsiPsProducerOptions) {}

  /** Snapshots published so far. */
  get published(): number {
    return this.count;
  }

  publish(snapshot: SsiPsSnapshot): SsiPsSnapshotBytes {
    checkSsiPsSnapshot(snapshot, 'snapshot');
    const message: SsiPsSnapshotBytes = {
      type: 'SsiPsSnapshotBytes',
      code: snapshot.code,
      payload: toBinary(SsiPsSnapshotSchema, snapshot),
      tsEvent: snapshot.tsEventNs,
      tsInit: this.options.clock.now(),
    };
    this.options.bus.publish(Topic.SSI_PS, snapshot.code, message);
    this.count++;
    return message;
  }

  /** The JSON form of one snapshot (an HTTP facade's body), checked, converted and published. */
  publishJson(value: unknown, path = 'snapshot'): SsiPsSnapshot {
    const snapshot = ssiPsSnapshotFromJson(value, path, { tsInit: this.options.clock.now() });
    this.publish(snapshot);
    return snapshot;
  }

  /**
   * A file of snapshots, one JSON form per line (blank lines skipped), published in file order. Every
   * line is checked before any is published, so a bad line (named `<source>:<line>`) publishes nothing.
   */
  publishJsonLines(text: string, source = 'input'): number {
    if (typeof text !== 'string') throw new ModelError(source, 'expected the text of a JSON-lines file');
    const tsInit = this.options.clock.now();
    const snapshots: SsiPsSnapshot[] = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const at = `${source}:${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line) as unknown;
      } catch (err) {
        throw new ModelError(at, `is not JSON: ${(err as Error).message}`);
      }
      snapshots.push(ssiPsSnapshotFromJson(value, at, { tsInit }));
    }
    for (const s of snapshots) this.publish(s);
    return snapshots.length;
  }
}
