// Decorates the app with the key ring built from KUBECONFIG_ENCRYPTION_KEYS.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { KeyRing } from './key-ring.js';

declare module 'fastify' {
  interface FastifyInstance {
    keyRing: KeyRing;
  }
}

export const cryptoPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('keyRing', new KeyRing(app.config.kubeconfigKeys));
  },
  { name: 'crypto', dependencies: ['config'] },
);
