// Puts the validated config on the instance, typed, for every other plugin.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './app-config.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
  }
}

export const configPlugin = fp(
  async (app: FastifyInstance, opts: { config: AppConfig }) => {
    app.decorate('config', opts.config);
  },
  { name: 'config' },
);
