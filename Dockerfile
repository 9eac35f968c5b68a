# syntax=docker/dockerfile:1
#
# Frontline's production image: compiled JavaScript on Node 22 LTS, production
# dependencies only, running as a non-root user.
#
#   docker build -t frontline .
#   docker run --env-file .env -v "$PWD/routing.yml:/etc/frontline/routing.yml:ro" -p 3000:3000 frontline
#
# Three stages, so that the final image holds no compiler, no dev dependency and
# no npm cache, and so that BuildKit can install both dependency sets at once.
# Pin the base by digest (node:22-bookworm-slim@sha256:...) for reproducible builds.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- deps: production dependencies only ---------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# patches/ must be present before `npm ci`: its postinstall runs patch-package
# (a production dependency), which patches postgres.js against an uncatchable
# TypeError during a database outage (see README, "Dependencies"). Outside CI,
# patch-package exits 0 even when a patch fails to apply, so it runs once more
# with --error-on-fail (an applied patch is skipped): the build fails rather
# than ship an unpatched driver.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund \
    && node_modules/.bin/patch-package --error-on-fail

# --- build: all dependencies, then compile src/ to dist/ -----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime --------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data \
    ROUTING_FILE=/etc/frontline/routing.yml
WORKDIR /app

# Everything under /app belongs to root and is read-only for the process.
# No src/ is copied: bin/frontline.js then always runs dist/, never tsx.
# drizzle/ sits beside dist/ because dist/db/client.js finds the migrations at
# ../../drizzle; they are applied at start. routing.example.yml is what
# `frontline demo` runs on. patches/ and the lock file let an `npm ci` in the
# image reproduce node_modules exactly, patch included.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY bin ./bin
COPY patches ./patches
COPY package.json package-lock.json routing.example.yml ./

# DATA_DIR: PGlite's files (without DATABASE_URL) and the pid file that
# `frontline reload` reads. Mount a volume here; with PGlite it holds all data.
RUN mkdir -p /data /etc/frontline && chown 1000:1000 /data
VOLUME ["/data"]

# The base image's `node` user, by number: Kubernetes' runAsNonRoot can only
# verify a numeric user.
USER 1000:1000

EXPOSE 3000

# /livez: the process answers. Not /readyz: a database outage is not cured by
# restarting the bot. Slim images have no curl, so node's fetch asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/livez', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node is PID 1, so SIGTERM (drain within 10 s) and SIGHUP (reload routing.yml)
# reach the bot itself; it handles both. It starts no child processes to reap.
ENTRYPOINT ["node", "bin/frontline.js"]
CMD ["start"]
