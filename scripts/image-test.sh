#!/usr/bin/env bash
# Builds the Dockerfile with buildah and runs the image as a cluster would, then checks it: it
# runs as uid 1000 on a read-only root file system, answers /ready and a query on the embedded
# SWR sandbox (no SWR_ENDPOINT), and exits 0 within the Deployment's grace period on SIGTERM.
# Prints the image's size and the layers the Dockerfile adds to its base.
#
# No Docker engine and no Docker Hub here: the base image is a stand-in made locally
# (scripts/stand-in-base.sh, once per machine), the build never pulls (--pull=never), and the
# image runs with `buildah run --isolation chroot` on the host network.
#
# Usage: scripts/image-test.sh   (root; buildah and mmdebstrap installed)
# Prints `image checks: N passed, F failed` last; exits non-zero when a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."

image=localhost/swr-graphql-gateway:test
base=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | head -n 1)
version=$(node -p 'require("./package.json").version')
grace_s=$(sed -n 's/^ *terminationGracePeriodSeconds: *\([0-9]*\).*/\1/p' deploy/kubernetes/deployment.yaml)
passed=0
failed=0
check() { # NAME COMMAND...: runs COMMAND, counts and prints the outcome
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "  ok    $name"
  else
    failed=$((failed + 1))
    echo "  FAIL  $name"
  fi
}

if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
  echo "==> the stand-in for $base"
  scripts/stand-in-base.sh "$base"
fi

echo "==> buildah bud (--pull=never, --isolation chroot)"
buildah bud --quiet --isolation chroot --pull=never --layers \
  --build-arg "VERSION=$version" -t "$image" . >/dev/null

echo "==> the image"
buildah inspect --type image "$image" | node -e '
  const image = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
  const layers = JSON.parse(image.Manifest).layers;
  const steps = image.OCIv1.history.filter((step) => !step.empty_layer);
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1).padStart(7) + " MiB";
  const total = layers.reduce((sum, layer) => sum + layer.size, 0);
  console.log(`size ${mib(total)} in ${layers.length} layers; the base is layer 1, the project adds:`);
  layers.forEach((layer, i) => {
    if (i === 0) return;
    const step = (steps[i]?.created_by ?? "").replace(/\s+/g, " ").slice(0, 100);
    console.log(`  ${mib(layer.size)}  ${step}`);
  });
  console.log(`labels ${JSON.stringify(image.OCIv1.config.Labels)}`);
  console.log(`user ${image.OCIv1.config.User}, cmd ${JSON.stringify(image.OCIv1.config.Cmd)}`);
'

container=$(buildah from --pull=never "$image")
root=$(buildah mount "$container")
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log=$(mktemp)
run_pid=''
status_dir=''
cleanup() {
  if [ -n "$run_pid" ]; then kill -KILL "$run_pid" 2>/dev/null || true; fi
  umount "$root" 2>/dev/null || true
  buildah umount "$container" >/dev/null 2>&1 || true
  buildah rm "$container" >/dev/null 2>&1 || true
  rm -rf "$log" "${status_dir:-}"
}
trap cleanup EXIT

# The mount points a run needs, made once while the root is writable; then the root is bound
# read-only over itself, as readOnlyRootFilesystem does.
buildah run --isolation chroot --network host "$container" -- true
for file in run/.containerenv etc/hosts etc/hostname etc/resolv.conf; do
  [ -e "$root/$file" ] || touch "$root/$file"
done
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"

echo "==> buildah run (host network, read-only root, no SWR_ENDPOINT) on port $port"
mapfile -t cmd < <(buildah inspect --type image --format '{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' "$image" | sed '/^$/d')
# The image's command, as it is, in a shell that records its exit code in a host folder: with
# the root read-only, `buildah run` itself fails when it cleans up after the command (buildah
# 1.28), so its own exit code says nothing of the gateway's.
status_dir=$(mktemp -d)
chmod 0777 "$status_dir" # the image user writes there
buildah run --isolation chroot --network host --env "PORT=$port" --env HOST=127.0.0.1 \
  --volume "$status_dir:/mnt" "$container" -- \
  sh -c '"$@"; echo $? >/mnt/exit-code' sh "${cmd[@]}" >"$log" 2>&1 &
run_pid=$!

ready=''
for _ in $(seq 1 600); do
  status=$(node -e 'fetch(process.argv[1]).then((r)=>console.log(r.status),()=>console.log(0))' "http://127.0.0.1:$port/ready")
  if [ "$status" = 200 ]; then ready=yes && break; fi
  if ! kill -0 "$run_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
check "/ready answers 200" test -n "$ready"
if [ -z "$ready" ]; then
  cat "$log"
  echo "image checks: $passed passed, $((failed + 4)) failed"
  exit 1
fi

gateway_pid=$(ss -ltnpH "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
answer=$(node -e '
  fetch(process.argv[1], {
    method: "POST",
    headers: { "content-type": "application/json", "x-auth-token": "sandbox-demo-token" },
    body: JSON.stringify({ query: "{ repository(namespace: \"library\", name: \"nginx\") { tags(first: 2) { totalCount nodes { name } } } }" }),
  }).then((r) => r.text()).then(console.log, (e) => console.log(String(e)));
' "http://127.0.0.1:$port/graphql")
echo "  query: $answer"
check "a query on the embedded sandbox answers with data" grep -q '"totalCount":97' <<<"$answer"
check "the banner names the embedded sandbox" grep -q 'embedded SWR sandbox' "$log"
check "the process runs as uid 1000 (node)" \
  grep -Eq '^Uid:\s+1000\s+1000\s+1000\s+1000' "/proc/$gateway_pid/status"
check "NODE_ENV is production" grep -qz '^NODE_ENV=production$' "/proc/$gateway_pid/environ"
# The gateway's own view of its root (/proc/PID/root): writing there is refused.
written=$(touch "/proc/$gateway_pid/root/app/written" 2>&1 || true)
echo "  writing to its root: $written"
check "the root file system is read-only" grep -q 'Read-only file system' <<<"$written"
check "its root is mounted read-only" \
  awk '$5 == "/" && $6 ~ /(^|,)ro(,|$)/ { found = 1 } END { exit !found }' "/proc/$gateway_pid/mountinfo"

started=$(date +%s%N)
kill -TERM "$gateway_pid"
wait "$run_pid" || true
run_pid=''
code=$(cat "$status_dir/exit-code" 2>/dev/null || echo none)
took_ms=$((($(date +%s%N) - started) / 1000000))
echo "  SIGTERM: exit $code after $took_ms ms (grace period ${grace_s}s)"
check "SIGTERM: exit 0" test "$code" = 0
check "SIGTERM: within the grace period" test "$took_ms" -lt $((grace_s * 1000))
check "SIGTERM: drained and stopped" grep -q '"msg":"stopped"' "$log"

if [ "$failed" != 0 ]; then grep -E "error|panic" "$log" | grep -v "\"level\"" | head -n 5; fi
echo "image checks: $passed passed, $failed failed"
test "$failed" = 0
