// Finds the real services tests need (PostgreSQL, Chromium, nginx, kubectl). On a developer's
// machine a missing one skips its tests with a reason; in CI (REQUIRE_SERVICES=1, set by .ci/run)
// a missing one fails them, so CI can never go green by skipping.
export { postgresUrl, freshPostgresDatabase } from './postgres.js';
export { findExecutable, chromiumPath, nginxPath, kubectlPath } from './executables.js';
export { serviceGate, type ServiceGate } from './gate.js';
export { BackendProcess, freePorts, type BackendProcessOptions } from './backend-process.js';
export { backendBundle, backendDir } from './backend-bundle.js';
export { waitUntil, type WaitOptions } from './wait-until.js';
