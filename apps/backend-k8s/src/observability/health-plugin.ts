// Liveness (the process answers) and readiness (the database answers and every migration in the
// folder is applied), for load balancers and Kubernetes probes.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pendingMigrations } from '../db/migrate.js';

export const healthPlugin = fp(
  async (app: FastifyInstance) => {
    app.get('/health/live', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/health/ready', { logLevel: 'warn' }, async (_request, reply) => {
      try {
        await sql`select 1`.execute(app.db);
      } catch (err) {
        return reply.status(503).send({ status: 'unavailable', reason: `database unreachable: ${(err as Error).message}` });
      }
      const pending = await pendingMigrations(app.db);
      if (pending.length) return reply.status(503).send({ status: 'unavailable', reason: `migrations not applied: ${pending.join(', ')}` });
      return { status: 'ok' };
    });
  },
  { name: 'health', dependencies: ['db'] },
);
