/** One step of the schema. Versions are applied in ascending order, each once, each in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Several statements; no parameters. */
  readonly sql: string;
}
