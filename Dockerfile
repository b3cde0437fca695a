# The gateway's image: `docker build -t swr-graphql-gateway .`, then
# `docker run -p 4000:4000 swr-graphql-gateway` serves GraphiQL on the embedded SWR sandbox.
# Built in CI by scripts/image-test.sh with buildah; docs/deploying.md says more.

# Compiles TypeScript with the dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# The production dependencies alone, without npm's cache.
FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What the process reads at run time: dist/, schema/, package.json and the dependencies.
FROM node:24-bookworm-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="swr-graphql-gateway" \
      org.opencontainers.image.description="A GraphQL backend-for-frontend over the SWR container registry" \
      org.opencontainers.image.source="https://github.com/swr-graphql-gateway/swr-graphql-gateway" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    PORT=4000
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schema ./schema
COPY scripts/start.sh ./scripts/start.sh
# The official image's `node` user (uid 1000); the root file system can be read-only.
USER node
EXPOSE 4000
# Exec form, and start.sh execs Node.js: the gateway is PID 1, receives SIGTERM itself and
# drains (src/http/drain.ts). start.sh sizes the heap from the memory limit.
CMD ["scripts/start.sh", "dist/main.js"]
