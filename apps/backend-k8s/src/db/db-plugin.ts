// Opens the store, applies pending migrations before the app serves anything, and closes it last.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { openStore, type Store } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
    store: Store;
  }
}

export const dbPlugin = fp(
  async (app: FastifyInstance) => {
    const store = openStore({ databaseUrl: app.config.databaseUrl, dataDir: app.config.dataDir });
    try {
      const applied = await migrateToLatest(store.db);
      if (applied.length) app.log.info({ applied, store: store.location }, 'database migrations applied');
    } catch (err) {
      await store.db.destroy();
      throw err;
    }
    app.decorate('store', store);
    app.decorate('db', store.db);
    app.addHook('onClose', async () => {
      await store.db.destroy();
    });
  },
  { name: 'db', dependencies: ['config'] },
);
