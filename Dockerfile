# AuditLens images, one target each: `docker build --target export-service .`, `--target demo`, `--target grafana`.
# The workspace manifests and lockfile, shared by the build stages below.
FROM node:24-bookworm-slim AS manifests
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY contract/package.json contract/
COPY testkit/package.json testkit/
COPY loki/package.json loki/
COPY integrity/package.json integrity/
COPY emitter/package.json emitter/
COPY examples/demo/package.json examples/demo/
COPY dashboards/package.json dashboards/
COPY export-service/package.json export-service/
COPY grafana-plugin/package.json grafana-plugin/
COPY test/package.json test/

FROM manifests AS build
RUN npm ci --ignore-scripts --no-audit --no-fund -w contract -w loki -w integrity -w emitter -w examples/demo -w export-service --include-workspace-root
COPY contract contract
COPY loki loki
COPY integrity integrity
COPY emitter emitter
COPY examples/demo examples/demo
COPY export-service export-service
RUN npm run build -w contract -w loki -w integrity -w emitter -w examples/demo -w export-service \
 && npm prune --omit=dev -w contract -w loki -w integrity -w emitter -w examples/demo -w export-service

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/package.json ./
COPY --from=build /src/contract/package.json contract/
COPY --from=build /src/contract/dist contract/dist
COPY --from=build /src/loki/package.json loki/
COPY --from=build /src/loki/dist loki/dist
COPY --from=build /src/integrity/package.json integrity/
COPY --from=build /src/integrity/dist integrity/dist
COPY --from=build /src/emitter/package.json emitter/
COPY --from=build /src/emitter/dist emitter/dist
# The export service's DATA_DIR. Created here, before USER node, so that it belongs to node: a new named volume
# mounted at /data (docker-compose.yml) takes the owner of this directory; one the image lacks would be root's.
RUN install -d -o node -g node /data
USER node

# Simulated help-desk audit traffic (arguments: see `--help`).
FROM runtime AS demo
COPY --from=build /src/examples/demo/package.json examples/demo/
COPY --from=build /src/examples/demo/dist examples/demo/dist
ENTRYPOINT ["node", "examples/demo/dist/src/cli.js"]

FROM runtime AS export-service
ENV NODE_ENV=production
COPY --from=build /src/export-service/package.json export-service/
COPY --from=build /src/export-service/dist export-service/dist
# What npm could not hoist (another version of the same package is at the root): kysely, lru-cache 11.
COPY --from=build /src/export-service/node_modules export-service/node_modules
EXPOSE 8080
# A small young generation keeps the process's memory near its live data during large exports.
CMD ["node", "--max-semi-space-size=4", "export-service/dist/server.js"]

# The Grafana app plugin, built with its own dependencies; it ships the generated dashboards (dashboards/json).
FROM manifests AS plugin-build
RUN npm ci --ignore-scripts --no-audit --no-fund -w contract -w grafana-plugin --include-workspace-root
COPY contract contract
COPY dashboards/json dashboards/json
COPY grafana-plugin grafana-plugin
RUN npm run build -w contract -w grafana-plugin

# Grafana OSS with the AuditLens app installed (unsigned: allowed for this id only, in docker-compose.yml).
# Plugins live outside /var/lib/grafana: that folder is a named volume in docker-compose.yml, and a plugin copied
# under it would be the first build's forever (the volume hides what later images put there).
FROM grafana/grafana:13.2.2 AS grafana
ENV GF_PATHS_PLUGINS=/var/lib/grafana-plugins
COPY --from=plugin-build /src/grafana-plugin/dist /var/lib/grafana-plugins/auditlens-auditlogs-app
