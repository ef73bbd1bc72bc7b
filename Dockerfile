# syntax=docker/dockerfile:1
# EHR Sync Hub: one image for API nodes and worker nodes (choose with APP_ROLE=api|worker|all).
# Not built on the development machines (no Docker there); see the README's Docker section.

# ---- build: compile TypeScript --------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# rootDir is the project root, so tsc writes dist/src/... and dist/migrations/...
RUN npm run build

# ---- runtime: production dependencies and the compiled app only ------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Liveness only (GET /health); readiness of Postgres and Redis is GET /health/ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Pending migrations run at start when RUN_MIGRATIONS=true (the default).
CMD ["node", "dist/src/main.js"]
