# syntax=docker/dockerfile:1
# One image for the three production processes (bot, API, worker); docker-compose.yml picks the
# command. The build stage needs the dev dependencies (TypeScript, and the prisma CLI that `npm ci`'s
# postinstall runs to generate the client); the runtime stage gets only the compiled code, the
# generated client and the production dependencies, and runs as the unprivileged `node` user.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The lockfile's allowScripts policy (which dependency install scripts may run) is enforced by npm 11;
# the npm 10 bundled with Node 20 would run every install script, including @prisma/engines' download.
ARG NPM_VERSION=11.19.1
RUN npm install --global "npm@${NPM_VERSION}" && npm --version
# Manifests and what the postinstall (prisma generate) reads first, so the dependency layer is
# rebuilt only when they change.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Root-owned and read-only for the `node` user: the running service cannot rewrite its own code.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/generated ./generated
# Migrations are applied by keyops itself at start-up (db/migrate.ts), so the SQL ships with the image.
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/policy.example.yaml ./policy.example.yaml
# The playground's page (plain HTML/JS, read at start-up; on only without Slack credentials).
COPY --from=build /app/playground/public ./playground/public
USER node
EXPOSE 3000 3001
CMD ["node", "--enable-source-maps", "dist/bin/bot.js"]
