/**
 * Tests that need a real server (Postgres, Redis, a Kafka mock, Chromium) read its address from the
 * environment. Absent, they are skipped with a message that says what to set, unless
 * QUBIT_REQUIRE_SERVICES=1 (set by .ci/run), which turns that skip into a failure.
 */
export interface ServiceAddress {
  /** The address, or undefined when the test must be skipped. */
  readonly value: string | undefined;
  /** Why it is skipped (undefined when it is not). */
  readonly skipReason: string | undefined;
}

export function serviceFromEnv(service: string, variable: string): ServiceAddress {
  const value = process.env[variable]?.trim();
  if (value) return { value, skipReason: undefined };
  const reason = `${service} tests skipped: set ${variable} to run them`;
  if (process.env.QUBIT_REQUIRE_SERVICES === '1') {
    throw new Error(`${service} is required (QUBIT_REQUIRE_SERVICES=1) but ${variable} is not set`);
  }
  console.warn(reason);
  return { value: undefined, skipReason: reason };
}

/** The Postgres a test may create and drop schemas/databases in: QUBIT_TEST_DATABASE_URL. */
export function testDatabaseUrl(): ServiceAddress {
  return serviceFromEnv('PostgreSQL', 'QUBIT_TEST_DATABASE_URL');
}
