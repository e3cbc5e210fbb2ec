# syntax=docker/dockerfile:1
# The image of every service. SERVICE is a folder of the services table (contract/src/services.ts) and
# SERVICE_PORT its port; pdf-service builds the target pdf-service (Debian's Chromium), the others the
# target node-service. From the repository root (the build needs the workspace lock file, kit/ and contract/):
#   docker build --build-arg SERVICE=auth-service --build-arg SERVICE_PORT=8081 --target node-service \
#     -t ghcr.io/example/playbook-auth-service:1.0.0 .
# `npm run images` builds one image per row of the table with podman (scripts/images.sh, docs/deploy.md "Images").
# No HEALTHCHECK: Kubernetes ignores it; the chart's startup/readiness/liveness probes call /healthz and /readyz.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

# 1. Compile TypeScript (kit, contract and the service) with the workspace's dev tools. Everything up to the
#    install is the same for every service, so one cached layer serves all the builds.
FROM ${NODE_IMAGE} AS build
# A CA bundle for npm behind a TLS-inspecting proxy (the file is mounted at build time, never copied).
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY kit/package.json kit/
COPY contract/package.json contract/
COPY auth-service/package.json auth-service/
COPY project-service/package.json project-service/
COPY pdf-service/package.json pdf-service/
COPY gateway/package.json gateway/
COPY client/package.json client/
RUN npm ci --ignore-scripts --no-audit --no-fund
ARG SERVICE
RUN test -n "$SERVICE" && test -f "$SERVICE/package.json" \
 || { echo "--build-arg SERVICE=<a folder of contract/src/services.ts> is required, got '$SERVICE'" >&2; exit 1; }
COPY kit/ kit/
COPY contract/ contract/
COPY ${SERVICE}/ ${SERVICE}/
RUN npx tsc -b "$SERVICE"

# 2. Production dependencies of kit, contract and this service only: the install sees only their manifests,
#    and the root's workspace list names only them. npm's --workspace filter is not enough: npm 11.19 still
#    installs every package a listed workspace names, even as a dev or optional peer dependency, so mongoose
#    (kit's optional peer) would land in the gateway image. npm ci leaves the lock file alone.
FROM ${NODE_IMAGE} AS deps
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/kit/package.json kit/
COPY --from=build /app/contract/package.json contract/
ARG SERVICE
COPY --from=build /app/${SERVICE}/package.json ${SERVICE}/
RUN npm pkg delete devDependencies workspaces \
 && npm pkg set "workspaces[]=kit" "workspaces[]=contract" "workspaces[]=$SERVICE" \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p kit/node_modules contract/node_modules "$SERVICE/node_modules"

# 3. What the runtime images hold in /app: dependencies, manifests and compiled code, nothing else.
FROM scratch AS app
ARG SERVICE
COPY --from=deps /app/node_modules /app/node_modules/
COPY --from=deps /app/kit/node_modules /app/kit/node_modules/
COPY --from=deps /app/contract/node_modules /app/contract/node_modules/
COPY --from=deps /app/${SERVICE}/node_modules /app/${SERVICE}/node_modules/
COPY --from=build /app/kit/package.json /app/kit/
COPY --from=build /app/kit/dist /app/kit/dist/
COPY --from=build /app/contract/package.json /app/contract/
COPY --from=build /app/contract/dist /app/contract/dist/
COPY --from=build /app/${SERVICE}/package.json /app/${SERVICE}/
COPY --from=build /app/${SERVICE}/dist /app/${SERVICE}/dist/

# 4a. Runtime of pdf-service: no compiler, no npm cache, root-owned read-only code, a numeric non-root user.
FROM ${NODE_IMAGE} AS pdf-service
# Debian's Chromium headless shell, pinned (puppeteer-core never downloads a browser): the same engine as
# chromium without its desktop processes, half the memory of the browser process (docs/benchmarks.md). The
# security mirror keeps only its newest build, so a stale pin fails here, by name, instead of shipping an
# untested release. Move it with --build-arg CHROMIUM_VERSION=<a version `apt-cache policy chromium-headless-shell` lists>.
ARG CHROMIUM_VERSION=156.0.8078.114-1~deb12u1
# Headless printing needs no GPU and no desktop: dpkg leaves out the Mesa drivers and the LLVM and Z3 they
# load (pulled in through x11-utils → libgl1), the Vulkan debug layers and the icon themes; the packages
# still count as installed, so apt stays consistent (sizes: docs/deploy.md, "Images"). adwaita-icon-theme's
# install script needs its cursor.theme.
# tini is PID 1: it forwards SIGTERM to node and reaps Chromium's orphaned children (zombies otherwise).
# Fonts for Latin, CJK, RTL and emoji (print-css.ts).
RUN printf '%s\n' 'path-exclude=/usr/lib/*/dri/*' 'path-exclude=/usr/lib/*/libLLVM-*' 'path-exclude=/usr/lib/*/libz3.so*' \
      'path-exclude=/usr/lib/chromium/libVkLayer_khronos_validation.so' 'path-exclude=/usr/lib/chromium/libVkICD_mock_icd.so' \
      'path-exclude=/usr/share/icons/*' 'path-include=/usr/share/icons/*/cursor.theme' >/etc/dpkg/dpkg.cfg.d/headless-chromium \
 && apt-get update \
 && { apt-cache madison chromium-headless-shell | cut -d'|' -f2 | tr -d ' ' | grep -Fxq "$CHROMIUM_VERSION" \
      || { echo "chromium-headless-shell $CHROMIUM_VERSION is not in the apt sources; they have: $(apt-cache madison chromium-headless-shell | cut -d'|' -f2 | xargs)" >&2; exit 1; }; } \
 && apt-get install -y --no-install-recommends tini \
    "chromium-headless-shell=$CHROMIUM_VERSION" "chromium-common=$CHROMIUM_VERSION" \
    fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core fontconfig \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production LOG_FORMAT=json CHROMIUM_PATH=/usr/lib/chromium/chromium-headless-shell \
    XDG_CONFIG_HOME=/home/node/.config XDG_CACHE_HOME=/home/node/.cache
ARG SERVICE
ARG SERVICE_PORT
COPY --from=app /app /app/
WORKDIR /app/${SERVICE}
# The services table's nodeOptions of this service (scripts/images.sh passes them); a NODE_OPTIONS the chart
# sets replaces them.
ARG SERVICE_NODE_OPTIONS=""
ENV NODE_OPTIONS=${SERVICE_NODE_OPTIONS}
# The node image's "node" user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE ${SERVICE_PORT}
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]

# 4b. Runtime of the other services (the default target): the same without Chromium.
FROM ${NODE_IMAGE} AS node-service
# tini is PID 1: it forwards SIGTERM to node and reaps orphaned children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production LOG_FORMAT=json
ARG SERVICE
ARG SERVICE_PORT
COPY --from=app /app /app/
WORKDIR /app/${SERVICE}
# The services table's nodeOptions of this service (scripts/images.sh passes them); a NODE_OPTIONS the chart
# sets replaces them.
ARG SERVICE_NODE_OPTIONS=""
ENV NODE_OPTIONS=${SERVICE_NODE_OPTIONS}
# The node image's "node" user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE ${SERVICE_PORT}
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
