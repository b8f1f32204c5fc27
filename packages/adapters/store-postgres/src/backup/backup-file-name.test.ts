import { describe, expect, it } from 'vitest';
import { backupFileName, parseBackupFileName } from './backup-file-name.js';

describe('backup file names', () => {
  it('name the engine and the UTC second, with the extension of the dump kind', () => {
    const at = new Date('2024-03-05T02:00:07.999Z');
    expect(backupFileName('postgres', at)).toBe('qubit-postgres-20240305T020007Z.dump');
    expect(backupFileName('pglite', at)).toBe('qubit-pglite-20240305T020007Z.tar.gz');
  });

  it('read back to the engine and the second they were written for', () => {
    expect(parseBackupFileName('qubit-pglite-20241231T235959Z.tar.gz')).toEqual({
      engine: 'pglite',
      takenAt: new Date('2024-12-31T23:59:59Z'),
    });
  });

  it('leave alone what they did not write: partial files, other extensions, impossible dates', () => {
    for (const name of [
      'qubit-postgres-20240305T020007Z.dump.partial',
      'qubit-postgres-20240305T020007Z.tar.gz',
      'qubit-pglite-20240305T020007Z.dump',
      'qubit-postgres-20240230T020007Z.dump',
      'qubit-postgres-20240305T020061Z.dump',
      'notes.txt',
    ]) {
      expect(parseBackupFileName(name), name).toBeUndefined();
    }
  });

  it('refuses an invalid date or engine, naming it', () => {
    expect(() => backupFileName('postgres', new Date(NaN))).toThrow('takenAt: expected a valid Date');
    expect(() => backupFileName('mysql' as 'postgres', new Date())).toThrow(
      'engine: expected "pglite" or "postgres", got mysql',
    );
  });
});
