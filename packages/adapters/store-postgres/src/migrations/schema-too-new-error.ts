/**
 * Thrown at open when the database was migrated by a newer Qubit than this one: running older code on
 * it could misread or damage what the newer schema means. Nothing has been changed when it is thrown.
 */
export class SchemaTooNewError extends Error {
  override readonly name: string = 'SchemaTooNewError';
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `database schema is at version ${databaseVersion}, this Qubit knows up to ${knownVersion}: upgrade Qubit`,
    );
  }
}
