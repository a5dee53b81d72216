// The clusters use cases: validate a kubeconfig, test it, store it sealed, tell the rest of the
// backend. A failed create stores nothing; events fire only after the change is committed.
import type { ClusterCreateInput, ClusterUpdateInput, ConnectionTestResult, KubeconfigInput } from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import type { ClusterConnections } from './cluster-connections.js';
import type { ClusterEvents } from './cluster-events.js';
import type { ClusterRow, ClusterStore } from './cluster-store.js';
import { testConnection } from './connection-test.js';
import type { ClusterCredentials } from './credentials.js';
import { parseKubeconfig } from './kubeconfig-parser.js';

export interface RegistryOptions {
  allowedExecPlugins: string[];
  connectionTestTimeoutMs: number;
}

function testFailed(result: ConnectionTestResult): ApiError {
  return new ApiError(
    422,
    `CONNECTION_${result.error?.code ?? 'FAILED'}`,
    `connection test failed: ${result.error?.message ?? 'unknown error'} (add ?skipTest=true to store it anyway)`,
    'kubeconfig',
  );
}

export class ClusterRegistry {
  constructor(
    readonly store: ClusterStore,
    private readonly connections: ClusterConnections,
    private readonly events: ClusterEvents,
    private readonly options: RegistryOptions,
  ) {}

  parse(input: KubeconfigInput): ClusterCredentials {
    return parseKubeconfig(input.kubeconfig, { context: input.context, allowedExecPlugins: this.options.allowedExecPlugins }).credentials;
  }

  test(credentials: ClusterCredentials): Promise<ConnectionTestResult> {
    return testConnection(credentials, this.options.connectionTestTimeoutMs);
  }

  async create(
    input: ClusterCreateInput,
    by: { username: string; skipTest: boolean; managedBy?: string },
  ): Promise<ClusterRow> {
    const credentials = this.parse(input);
    let test: ConnectionTestResult | undefined;
    if (!by.skipTest) {
      test = await this.test(credentials);
      if (!test.ok) throw testFailed(test);
    }
    const row = await this.store.create({
      name: input.name,
      description: input.description,
      credentials,
      createdBy: by.username,
      managedBy: by.managedBy ?? null,
      test,
    });
    this.events.emit('changed', { id: row.id, action: 'created', version: row.version });
    return row;
  }

  async update(id: string, input: ClusterUpdateInput, opts: { skipTest: boolean }): Promise<ClusterRow> {
    const current = await this.store.get(id);
    if (input.context !== undefined && input.kubeconfig === undefined) {
      throw ApiError.badRequest('VALIDATION_FAILED', 'context only applies together with a new kubeconfig', 'context');
    }
    let credentials: ClusterCredentials | undefined;
    let test: ConnectionTestResult | undefined;
    if (input.kubeconfig !== undefined) {
      credentials = this.parse({ kubeconfig: input.kubeconfig, context: input.context });
      if (!opts.skipTest) {
        test = await this.test(credentials);
        if (!test.ok) throw testFailed(test);
      }
    }
    const row = await this.store.update(current.id, { name: input.name, description: input.description, credentials, test });
    this.connections.invalidate(id);
    this.events.emit('changed', { id, action: 'updated', version: row.version });
    return row;
  }

  /** Replaces credentials of a row the console manages itself (the quickstart's demo cluster). */
  async replaceCredentials(id: string, credentials: ClusterCredentials): Promise<ClusterRow> {
    const row = await this.store.update(id, { credentials });
    this.connections.invalidate(id);
    this.events.emit('changed', { id, action: 'updated', version: row.version });
    return row;
  }

  async remove(id: string): Promise<void> {
    const row = await this.store.remove(id);
    this.connections.invalidate(id);
    this.events.emit('changed', { id, action: 'deleted', version: row.version + 1 });
  }

  /** Tests a stored cluster and records the result as its health. */
  async testStored(id: string): Promise<ConnectionTestResult> {
    const row = await this.store.get(id);
    const result = await this.test(this.store.openCredentials(row));
    await this.store.recordHealth(id, result);
    return result;
  }
}
