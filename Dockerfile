# Tally: the production image (target "runtime", the default) and the one-shot migration job
# (target "migrate"). docs/deploying.md explains how to run them; tests/deploy/dockerfile.test.ts
# replays these steps without Docker.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1

# Every dependency (the build needs the dev tools); postinstall generates the Prisma client.
# npm 11 runs no install scripts but those package.json allows ("allowScripts").
FROM base AS deps
RUN npm install -g npm@11.19.1 --no-audit --no-fund
COPY package.json package-lock.json ./
COPY prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/prisma-generate.mjs
RUN npm ci --no-audit --no-fund

# The standalone server: <distDir>/standalone holds server.js and only the node_modules it uses.
FROM deps AS build
COPY . .
ENV NODE_ENV=production
RUN node node_modules/next/dist/bin/next build
# Without DATABASE_URL the server keeps an embedded database in .data/pglite (one instance only;
# mount a volume there): the folder must belong to the runtime user, who cannot create it in /app.
RUN mkdir -p .next/standalone/.data

# Applies prisma/migrations to DATABASE_URL, then exits. Run it before starting a new version.
FROM deps AS migrate
COPY tsconfig.json ./
COPY src/server/database ./src/server/database
COPY scripts/db-migrate.ts ./scripts/db-migrate.ts
USER node
CMD ["node", "--import", "tsx", "scripts/db-migrate.ts"]

# What runs in production: no package manager step, no dev dependencies, no source.
# MALLOC_ARENA_MAX=2: glibc's per-thread malloc arenas otherwise keep freed native memory resident
# (scripts/launcher/app.mjs says what bench case 8 measured).
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    MALLOC_ARENA_MAX=2
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --from=build --chown=node:node /app/public ./public
USER node
EXPOSE 3000
# Readiness: 503 while the database is down or the server drains for a shutdown.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (src/server/shutdown/); give it SHUTDOWN_GRACE_SECONDS plus a few seconds (docker stop -t / stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]
