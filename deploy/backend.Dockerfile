# syntax=docker/dockerfile:1.7
# The console backend (apps/backend-k8s), production image: only its production dependencies
# (no kube-sim, no test tooling), run by an unprivileged user, with a health check. It also
# carries the built console (WEB_DIST) so a Kubernetes install needs no second image; with
# docker-compose, nginx serves the console instead.
# Build from the repository root:  docker build -f deploy/backend.Dockerfile -t k8s-console-backend .

ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles against the running Node's headers
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ARG PNPM_VERSION=12.21.0
ARG TSX_VERSION=4.23.15
RUN npm install --global "pnpm@${PNPM_VERSION}"
ENV npm_config_nodedir=/usr/local
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile --filter "@k8s-console/backend-k8s..." --filter "@k8s-console/web-k8s..."
# the console, served by the backend at / (API same-origin under /api)
RUN VITE_BASE=/ pnpm --filter @k8s-console/web-k8s build
# A self-contained copy of the backend with its production dependencies; workspace packages
# (contracts) are copied in, devDependencies such as kube-sim are left out.
RUN pnpm --filter @k8s-console/backend-k8s deploy --prod /out \
 && rm -rf /out/test /out/vitest.config.ts \
 && find /out/src -name '*.test.ts' -delete \
 && test ! -e /out/node_modules/@k8s-console/kube-sim
# The backend runs its TypeScript source through tsx's loader (migrations are loaded by file name,
# which rules out bundling); the loader lives apart from the app's own node_modules.
RUN npm install --prefix /opt/tsx --omit=dev --no-audit --no-fund "tsx@${TSX_VERSION}"

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    WEB_DIST=/app/web
WORKDIR /app
# code owned by root and read-only to the app user; only DATA_DIR is writable
COPY --from=build /out /app
COPY --from=build /opt/tsx /opt/tsx
COPY --from=build /src/apps/web-k8s/dist /app/web
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1 without a wrapper: SIGTERM reaches main.ts, which drains and exits
CMD ["node", "--import", "/opt/tsx/node_modules/tsx/dist/loader.mjs", "src/main.ts"]
