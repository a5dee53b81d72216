# syntax=docker/dockerfile:1.7
# nginx serving the built console under /k8s and proxying /k8s-api to the backend replicas,
# configured from nginx/ (templates rendered from the environment at start). Unprivileged: runs
# as uid 101 and listens on 8080.
# Build from the repository root:  docker build -f deploy/web.Dockerfile -t k8s-console-web .

ARG NODE_IMAGE=node:20.19-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.27-alpine

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=12.21.0
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile --ignore-scripts --filter "@k8s-console/web-k8s..."
# built for /k8s/; the API address comes at run time from /k8s/config.json (CONSOLE_API_BASE)
RUN VITE_BASE=/k8s/ VITE_API_BASE=/k8s-api pnpm --filter @k8s-console/web-k8s build

FROM ${NGINX_IMAGE} AS runtime
USER root
RUN rm -f /etc/nginx/conf.d/default.conf
COPY nginx/templates/ /etc/nginx/templates/
COPY nginx/k8s-console/ /etc/nginx/k8s-console/
# sourced by the image's entrypoint before it renders the templates
COPY --chmod=755 nginx/docker-entrypoint.d/15-k8s-console-embed.envsh /docker-entrypoint.d/
COPY --from=build /src/apps/web-k8s/dist/ /usr/share/nginx/html/k8s/
USER 101
# Defaults for the template's inputs (see nginx/templates/k8s-console.conf.template); the
# image's entrypoint substitutes only variables that are set, so every one has a value here.
# EMBED_ALLOWED_ORIGINS is the backend's variable: comma-separated host origins.
ENV NGINX_PORT=8080 \
    CONSOLE_ROOT=/usr/share/nginx/html/k8s \
    CONSOLE_API_BASE=/k8s-api \
    EMBED_ALLOWED_ORIGINS=""
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${NGINX_PORT}/nginx-health" || exit 1
