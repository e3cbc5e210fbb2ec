#!/usr/bin/env bash
# A real Kubernetes control plane for the cluster tests (test/cluster), built from the Go module proxy:
#   build  builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and kwok from
#          tools/k8s-plane into the machine cache and links it as .bin/k8s; fetches the CRDs the chart can use
#   up     starts the plane on free loopback ports with a few kwok nodes; prints the kubeconfig path
#   down   stops it
# The run directory (certificates, etcd data, logs, kubeconfig) is .run/k8s unless CLUSTER_RUN_DIR says otherwise.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PLANE_SRC="$ROOT/tools/k8s-plane"
K8S_VERSION=v1.37.2
RUN_DIR="${CLUSTER_RUN_DIR:-$ROOT/.run/k8s}"
BIN_LINK="$ROOT/.bin/k8s"
# The CRDs of the objects the chart's optional features render, or an operator pairs with them: Certificate and
# issuers, Gateway and HTTPRoute, ServiceMonitor and PrometheusRule. Each entry: module@version, folder, files.
CRD_MODULES=(
  "github.com/cert-manager/cert-manager@v1.21.2 deploy/crds cert-manager.io_certificates.yaml cert-manager.io_issuers.yaml cert-manager.io_clusterissuers.yaml cert-manager.io_certificaterequests.yaml"
  "sigs.k8s.io/gateway-api@v1.6.3 config/crd/standard gateway.networking.k8s.io_gatewayclasses.yaml gateway.networking.k8s.io_gateways.yaml gateway.networking.k8s.io_httproutes.yaml gateway.networking.k8s.io_referencegrants.yaml"
  "github.com/prometheus-operator/prometheus-operator@v0.85.0 example/prometheus-operator-crd monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_prometheusrules.yaml monitoring.coreos.com_podmonitors.yaml"
)

# Everything that decides the binaries' bytes: the modules, the Go toolchain and the link flags.
plane_dir() {
  local hash
  hash="$( (cat "$PLANE_SRC"/*/go.mod "$PLANE_SRC"/*/go.sum "$PLANE_SRC"/etcd/main.go; go version; ldflags_k8s) | sha256sum | cut -c1-12)"
  echo "$PLAYBOOK_CACHE_DIR/k8s-$hash"
}

ldflags_k8s() {
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf -- '-X %s.gitVersion=%s -X %s.gitMajor=1 -X %s.gitMinor=%s -X %s.gitTreeState=clean ' "$pkg" "$K8S_VERSION" "$pkg" "$pkg" "$minor" "$pkg"
  done
  printf -- '-s -w'
}

# build_one DIR MODULE PACKAGE NAME [LDFLAGS]: one binary, skipped when the cache already holds it, written
# under a temporary name so an interrupted build never leaves a half-written binary behind.
build_one() {
  local dir="$1" module="$2" package="$3" name="$4" ldflags="${5:--s -w}"
  [ -x "$dir/$name" ] && return 0
  log "building $name (first build on this machine takes minutes; later runs reuse $dir)"
  local start=$SECONDS
  (cd "$PLANE_SRC/$module" && go build -trimpath -ldflags "$ldflags" -o "$dir/.$name.tmp" "$package")
  mv "$dir/.$name.tmp" "$dir/$name"
  log "built $name in $((SECONDS - start)) s"
}

fetch_crds() {
  local dir="$1/crds" entry module path files src file want
  want="$(printf '%s\n' "${CRD_MODULES[@]}" | sha256sum | cut -c1-12)"
  [ "$(cat "$dir/.fetched" 2>/dev/null)" = "$want" ] && return 0
  log "fetching CRDs from the Go module proxy"
  rm -rf "$dir"; mkdir -p "$dir"
  for entry in "${CRD_MODULES[@]}"; do
    read -r module path files <<<"$entry"
    src="$(cd "$PLANE_SRC/kwok" && go mod download -json "$module" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    for file in $files; do
      [ -f "$src/$path/$file" ] || { echo "cluster: $module has no $path/$file" >&2; return 1; }
      cp "$src/$path/$file" "$dir/"
    done
  done
  echo "$want" >"$dir/.fetched"
}

build_plane() {
  local dir lock; dir="$(plane_dir)"
  mkdir -p "$dir"
  # One build at a time per cache: a second test run started beside the first waits here and then finds the
  # binaries built, instead of both writing (and fetch_crds removing) the same files.
  exec {lock}>"$dir.lock"
  flock "$lock"
  local started=$SECONDS
  build_one "$dir" etcd . etcd
  local tool
  for tool in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    build_one "$dir" kubernetes "k8s.io/kubernetes/cmd/$tool" "$tool" "$(ldflags_k8s)"
  done
  build_one "$dir" kwok sigs.k8s.io/kwok/cmd/kwok kwok
  local stages file
  stages="$(cd "$PLANE_SRC/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  # The standalone kwok plays only the stages in its configuration: nodes Ready and heartbeating, pods
  # Running and Ready, claims provisioned and bound for every StorageClass `up` creates (kwok-*).
  for file in "$stages"/node/fast/node-initialize.yaml "$stages"/node/heartbeat-with-lease/*.yaml \
    "$stages"/pod/fast/pod-*.yaml "$stages"/volume/fast/p[vc]*.yaml; do
    echo "---"; cat "$file"
  done | sed "s/self.spec.storageClassName == 'kwok-volume'/self.spec.storageClassName.startsWith('kwok-')/" >"$dir/.kwok-stages.tmp"
  mv "$dir/.kwok-stages.tmp" "$dir/kwok-stages.yaml"
  fetch_crds "$dir"
  mkdir -p "$ROOT/.bin"
  ln -sfn "$dir" "$BIN_LINK"
  log "control plane $K8S_VERSION ready in .bin/k8s ($((SECONDS - started)) s)"
  exec {lock}>&-
}

# free_ports N: N ports nothing listens on, from the kernel's ephemeral range.
free_ports() {
  node -e '
    const net = require("net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer().listen(0, "127.0.0.1"));
    Promise.all(servers.map((s) => new Promise((r) => s.on("listening", r)))).then(() => {
      console.log(servers.map((s) => s.address().port).join(" "));
      servers.forEach((s) => s.close());
    });' "$1"
}

# A CA, the API server's serving certificate, an admin client certificate (system:masters) and the
# service-account signing key, all EC P-256 and valid for a week: the plane lives as long as a test run.
make_certs() {
  local pki="$1"
  mkdir -p "$pki"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$pki/ca.key" -out "$pki/ca.crt" -subj /CN=playbook-test-ca -days 7 2>/dev/null
  issue() {
    local name="$1" subject="$2" ext="$3"
    openssl req -new "${ec[@]}" -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subject" 2>/dev/null
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 7 \
      -out "$pki/$name.crt" -extfile <(printf '%s\n' "$ext") 2>/dev/null
  }
  issue apiserver /CN=kube-apiserver \
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  issue admin "/O=system:masters/CN=playbook-test-admin" "extendedKeyUsage=clientAuth"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/sa.key" 2>/dev/null
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

write_kubeconfig() {
  local file="$1" port="$2" pki="$3"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: playbook-test
    cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$pki/ca.crt"}
users:
  - name: admin
    user: {client-certificate: "$pki/admin.crt", client-key: "$pki/admin.key"}
contexts:
  - name: playbook-test
    context: {cluster: playbook-test, user: admin}
current-context: playbook-test
EOF
}

# start NAME ARGS...: runs a component in its own process group, logging to logs/NAME.log.
start() {
  local name="$1"; shift
  setsid "$@" >"$RUN_DIR/logs/$name.log" 2>&1 </dev/null &
  echo "$! $name" >>"$RUN_DIR/pids"
}

kwok_config() {
  local bin="$1"
  # The standalone kwok has no defaults for its worker counts: without them it plays no stage at all.
  cat <<'EOF'
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  manageAllNodes: true
  cidr: 10.244.0.1/16
  nodeLeaseDurationSeconds: 40
  nodeLeaseParallelism: 4
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 4
  podsOnNodeSyncParallelism: 1
  enablePodsOnNodeSyncListPager: true
  enablePodsOnNodeSyncStreamWatch: false
EOF
  cat "$bin/kwok-stages.yaml"
}

# Three fake nodes in three zones, so the chart's spread and anti-affinity rules have somewhere to go,
# and two StorageClasses served by kwok's volume stages: the default one allows expansion, kwok-fixed does not.
cluster_objects() {
  local zone i=0
  for zone in a b c; do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations: {kwok.x-k8s.io/node: fake}
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-$zone
status:
  allocatable: {cpu: "32", memory: 128Gi, pods: "110"}
  capacity: {cpu: "32", memory: 128Gi, pods: "110"}
EOF
    i=$((i + 1))
  done
  cat <<'EOF'
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: kwok-volume
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kwok.x-k8s.io/volume
reclaimPolicy: Delete
volumeBindingMode: Immediate
allowVolumeExpansion: true
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: kwok-fixed
provisioner: kwok.x-k8s.io/volume
reclaimPolicy: Delete
volumeBindingMode: Immediate
allowVolumeExpansion: false
EOF
}

plane_up() {
  local bin="$BIN_LINK"
  [ -x "$bin/kube-apiserver" ] || { echo "cluster: not built; run bash scripts/cluster.sh build" >&2; return 1; }
  if [ -f "$RUN_DIR/pids" ]; then plane_down; fi
  local started=$SECONDS
  rm -rf "$RUN_DIR"; mkdir -p "$RUN_DIR/logs"
  trap plane_down ERR
  local pki="$RUN_DIR/pki" kubeconfig="$RUN_DIR/kubeconfig"
  make_certs "$pki"
  local etcd_client etcd_peer api cm_port sched_port
  read -r etcd_client etcd_peer api cm_port sched_port <<<"$(free_ports 5)"
  write_kubeconfig "$kubeconfig" "$api" "$pki"
  kwok_config "$bin" >"$RUN_DIR/kwok.yaml"

  start etcd "$bin/etcd" --name plane --data-dir "$RUN_DIR/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "plane=http://127.0.0.1:$etcd_peer"
  if [ -n "${CLUSTER_OWNER_PID:-}" ]; then
    # Whoever started the plane (the jest run) may die, or `up` may fail, without a `down`: the plane goes
    # with its owner. The watch ends by itself once `down` has removed the pid file.
    setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -f "$2/pids" ]; do sleep 2; done; CLUSTER_RUN_DIR="$2" bash "$3" down' \
      _ "$CLUSTER_OWNER_PID" "$RUN_DIR" "$ROOT/scripts/cluster.sh" >/dev/null 2>&1 </dev/null &
  fi
  # The `kubernetes` Service's Endpoints may not hold a loopback address, so the reconciler that writes them is off.
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_client" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api" --endpoint-reconciler-type=none \
    --service-cluster-ip-range 10.96.0.0/16 --authorization-mode Node,RBAC --client-ca-file "$pki/ca.crt" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" --cert-dir "$pki" --profiling=false
  local deadline=$((SECONDS + 120))
  until "$bin/kubectl" --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then echo "cluster: kube-apiserver not ready; see $RUN_DIR/logs" >&2; plane_down; return 1; fi
    sleep 0.5
  done
  # HPAs sync every 5 s instead of 15: a fresh install reaches its minReplicas before the tests look at it.
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$kubeconfig" --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port "$cm_port" --root-ca-file "$pki/ca.crt" \
    --service-account-private-key-file "$pki/sa.key" --use-service-account-credentials=false --profiling=false \
    --horizontal-pod-autoscaler-sync-period=5s
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$kubeconfig" --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port "$sched_port" --profiling=false
  start kwok "$bin/kwok" --kubeconfig "$kubeconfig" --config "$RUN_DIR/kwok.yaml"

  local kubectl=("$bin/kubectl" --kubeconfig "$kubeconfig")
  cluster_objects | "${kubectl[@]}" apply -f - >/dev/null
  "${kubectl[@]}" apply --server-side -R -f "$bin/crds" >/dev/null
  "${kubectl[@]}" wait --for=condition=Established crd --all --timeout=60s >/dev/null
  "${kubectl[@]}" wait --for=condition=Ready node --all --timeout=60s >/dev/null
  until "${kubectl[@]}" get serviceaccount default >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "cluster: controller-manager made no default ServiceAccount" >&2; plane_down; return 1; }
    sleep 0.5
  done
  trap - ERR
  log "control plane up in $((SECONDS - started)) s: KUBECONFIG=$kubeconfig"
  echo "$kubeconfig"
}

plane_down() {
  [ -f "$RUN_DIR/pids" ] || return 0
  local pid name
  # Last started first: kwok and the controllers before the API server, etcd last.
  while read -r pid name; do
    kill -TERM -- "-$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done < <(tac "$RUN_DIR/pids")
  rm -f "$RUN_DIR/pids"
  rm -rf "$RUN_DIR/etcd"
  log "control plane stopped"
}

case "${1:-}" in
  build) build_plane ;;
  up) plane_up ;;
  down) plane_down ;;
  *) echo "usage: $0 build|up|down" >&2; exit 2 ;;
esac
