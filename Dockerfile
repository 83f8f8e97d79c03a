# Flotilla's controller image: `docker build -t flotilla:0.1.0 .`, then install charts/flotilla with it.
# Three stages: compile the TypeScript, install the production dependencies alone, and copy just those and the
# compiled code into a small runtime image that runs as a non-root user.

FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: the `prepare` build needs the sources, which are copied next.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-alpine AS deps
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:20-alpine
ENV NODE_ENV=production \
    FLOTILLA_CACHE_DIR=/var/cache/flotilla \
    HOME=/tmp
WORKDIR /app
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY fleet-repo-template ./fleet-repo-template
# The image's `node` user (uid 1000), by number so that Kubernetes' runAsNonRoot can check it. The cache
# directory is created writable for it; in the Helm chart an emptyDir is mounted there instead.
RUN mkdir -p /var/cache/flotilla && chown 1000:1000 /var/cache/flotilla
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/flotilla.js"]
CMD ["--help"]
