export interface ServiceGate {
  /** true when the service is there and tests should run */
  available: boolean;
  /** why it is missing, for the skip message */
  reason: string;
}

export const servicesRequired = (): boolean => process.env.REQUIRE_SERVICES === '1';

/**
 * Turns "is the service there?" into the gate a test file uses with `describe.runIf(gate.available)`.
 * With REQUIRE_SERVICES=1 a missing service throws, which fails the test file instead of skipping it.
 */
export function serviceGate(name: string, found: string | null | undefined, reason: string): ServiceGate {
  if (found) return { available: true, reason: '' };
  const message = `${name} is not available: ${reason}`;
  if (servicesRequired()) throw new Error(`${message} (REQUIRE_SERVICES=1, so this fails instead of skipping)`);
  console.warn(`skipping ${name} tests: ${message}`);
  return { available: false, reason: message };
}
