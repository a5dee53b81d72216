// Serves the built console (WEB_DIST) from the backend, at the root, with:
// - GET /config.json telling the app its API base (same origin: /api), so one build works
//   behind nginx (/k8s-api) or here without a rebuild;
// - index.html for client-side routes (SPA fallback), never for /api, /health or /metrics;
// - the page's security headers as nginx sends them (CSP with frame-ancestors limited to
//   EMBED_ALLOWED_ORIGINS, so only allowed hosts can iframe it; nosniff; referrer policy).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const NOT_SPA = /^\/(api|health|metrics)(\/|$)/;

/**
 * The console page's headers, the same as nginx/k8s-console/security-headers.conf sends when nginx
 * serves it: scripts only from this origin, styles inline too (ant-design-vue injects its own at
 * run time), framing only by EMBED_ALLOWED_ORIGINS (no X-Frame-Options: it cannot list hosts).
 */
export function consolePageHeaders(frameAncestors: string): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
      `connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors ${frameAncestors}`,
  };
}

export const webPlugin = fp(
  async (app: FastifyInstance) => {
    const dist = app.config.webDist;
    if (!dist) return;
    if (!existsSync(join(dist, 'index.html'))) {
      app.log.warn({ webDist: dist }, 'WEB_DIST has no index.html: build the console (pnpm --filter @k8s-console/web-k8s build); serving the API only');
      return;
    }
    const frameAncestors = ["'self'", ...app.config.embedAllowedOrigins].join(' ');
    const pageHeaders = consolePageHeaders(frameAncestors);
    const htmlHeaders = (reply: FastifyReply) => reply.header('Cache-Control', 'no-cache').headers(pageHeaders);

    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: true,
      index: false,
      // Cache headers are ours: hashed assets forever, everything else revalidated.
      cacheControl: false,
      setHeaders(res, path) {
        res.setHeader('X-Content-Type-Options', 'nosniff');
        if (path.endsWith('.html')) {
          res.setHeader('Cache-Control', 'no-cache');
          for (const [name, value] of Object.entries(pageHeaders)) res.setHeader(name, value);
        } else if (/[/\\]assets[/\\]/.test(path)) {
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        } else {
          res.setHeader('Cache-Control', 'no-cache');
        }
      },
    });

    app.get('/config.json', async (_request, reply) => {
      reply.header('Cache-Control', 'no-store');
      // The allowlist tells an iframed console which parent origins may hand it a token.
      return { apiBase: '/api', embedAllowedOrigins: app.config.embedAllowedOrigins };
    });
    app.get('/', async (_request, reply) => htmlHeaders(reply).sendFile('index.html'));

    app.notFoundFallback = (request, reply) => {
      const path = request.url.split('?')[0]!;
      if ((request.method !== 'GET' && request.method !== 'HEAD') || NOT_SPA.test(path)) return false;
      const lastSegment = path.slice(path.lastIndexOf('/') + 1);
      const wantsPage = !lastSegment.includes('.') || (request.headers.accept ?? '').includes('text/html');
      if (!wantsPage) return false;
      void htmlHeaders(reply).sendFile('index.html');
      return true;
    };
  },
  { name: 'web', dependencies: ['config', 'error-handler'] },
);
