# The helpline in a container: build the TypeScript, then run it on production
# dependencies only, as the unprivileged "node" user, with Belgian time.
#   docker build -t helpline-ivr .
#   docker run --env-file .env -p 127.0.0.1:3000:3000 --read-only --tmpfs /tmp helpline-ivr
# (docker-compose.yml does all this, and more: see the README, "Run it in a container".)

# The official Node.js 24 LTS image on Debian 12, slim. Pin a digest here for reproducible builds.
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, compile src/ and routes/ to dist/, bundle the server -----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY routes ./routes
COPY scripts ./scripts
# tsc to dist/, then esbuild bundles the server into dist/server.mjs (scripts/bundle.mjs).
RUN npm run build

# --- runtime: the bundle, the data, and the production dependencies ---------------------------
# The bundle runs on its own (tests/server.test.ts checks it without node_modules); the
# production dependencies are kept for their licence files and for the terminal tools
# (dist/cli/), which load twilio from node_modules.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    TZ=Europe/Brussels \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The code and the data belong to root and are only read by the app (the "node" user cannot
# change them). An operator's own directory/menus/prompts are mounted and named by
# HELPLINE_CONFIG, HELPLINE_MENUS, HELPLINE_PROMPTS.
COPY --from=build /app/dist ./dist
COPY config ./config
COPY prompts ./prompts

USER node
EXPOSE 3000
# SIGTERM: the app refuses new connections, answers the requests on open ones (8 s at most),
# exits (docs/restarts.md).
# SIGHUP: the app reloads the directory, menus and prompts.
STOPSIGNAL SIGTERM
# No curl in the slim image: Node's own fetch asks GET /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM and SIGHUP itself (no shell in between).
CMD ["node", "dist/server.mjs"]
