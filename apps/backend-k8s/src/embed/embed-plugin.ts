// Lets the host applications in EMBED_ALLOWED_ORIGINS use the console from their own origin:
// - CORS for exactly those origins (qiankun fetches the console's HTML, CSS and module scripts and
//   the mounted console calls /api from the host's page). Bearer tokens only, never credentials
//   (cookies), so a listed origin gains nothing a script on it could not do with the token it holds.
// - X-Frame-Options: SAMEORIGIN on every page when no host is listed, for browsers that predate
//   CSP frame-ancestors (the web plugin sends frame-ancestors 'self' + the listed origins).
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept';

export const embedPlugin = fp(
  async (app: FastifyInstance) => {
    const allowed = new Set(app.config.embedAllowedOrigins);

    // No listed host: nothing to add to any response, so no per-request hook at all.
    if (allowed.size > 0) {
      app.addHook('onRequest', async (request, reply) => {
        const origin = request.headers.origin;
        reply.header('Vary', 'Origin');
        if (!origin || !allowed.has(origin)) return;
        reply.header('Access-Control-Allow-Origin', origin);
        if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
          await reply
            .code(204)
            .header('Access-Control-Allow-Methods', ALLOWED_METHODS)
            .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
            .header('Access-Control-Max-Age', '600')
            .send();
        }
      });
    } else {
      app.addHook('onSend', async (_request, reply, payload) => {
        if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.header('X-Frame-Options', 'SAMEORIGIN');
        return payload;
      });
    }
  },
  { name: 'embed', dependencies: ['config'] },
);
