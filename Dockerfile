# Gamebook Studio node: one image for every node of a cluster (compose.yaml) or a single server.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# the full image has the compiler better-sqlite3 falls back to when no prebuilt binary fits
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data
COPY --from=build /app /app
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# the server itself, not npm start: the activity and the server are built above, and SIGTERM reaches node directly
CMD ["node", "--max-semi-space-size=64", "--initial-old-space-size=512", "--enable-source-maps", "dist/server/main.js"]
