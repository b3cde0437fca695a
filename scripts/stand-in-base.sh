#!/usr/bin/env bash
# A stand-in for the official `node:24-bookworm-slim` image, for building the Dockerfile where
# Docker Hub cannot be reached: Debian bookworm (mmdebstrap, minbase), the `node` binary of the
# npm registry's node@24 package and npm in /usr/local as the official image has them, and the
# `node` user and group (uid and gid 1000). Tagged with the Dockerfile's FROM name.
#
# This machine reaches the npm registry through TLS that its own CA bundle vouches for: the
# bundle is copied into the stand-in, with NODE_EXTRA_CA_CERTS pointing at it, so that `npm ci`
# in the build trusts what the host trusts. The official image needs neither.
#
# Usage: scripts/stand-in-base.sh [IMAGE]   (root; buildah and mmdebstrap installed)
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:-$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | head -n 1)}
ca_bundle=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rootfs="$work/rootfs"
echo "==> Debian bookworm (mmdebstrap --variant=minbase)"
# The mirror is given: without one, mmdebstrap reads sources from a stdin that is not a terminal.
mmdebstrap --quiet --variant=minbase --mode=root bookworm "$rootfs" \
  'deb http://deb.debian.org/debian bookworm main' \
  'deb http://deb.debian.org/debian-security bookworm-security main' </dev/null
# What the official slim image leaves out too: apt lists and caches.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*

echo "==> node@24 and npm from the npm registry"
mkdir -p "$work/node24"
printf '{ "private": true, "allowScripts": { "node": true } }\n' >"$work/node24/package.json"
npm install --prefix "$work/node24" --no-audit --no-fund --no-package-lock --silent node@24
node_bin=$(readlink -f "$work/node24/node_modules/node/bin/node")
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
npm_version=$("$rootfs/usr/local/bin/node" -e 'console.log(process.versions.node.split(".")[0] >= 24 ? 11 : 10)')
(cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null)
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

echo "==> the node user (uid 1000) and the CA bundle"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
mkdir -p "$rootfs/usr/local/share/ca-certificates"
cp "$ca_bundle" "$rootfs/usr/local/share/ca-certificates/host-bundle.crt"

echo "==> image $image"
container=$(buildah from --pull=never scratch)
buildah copy --quiet "$container" "$rootfs" / >/dev/null
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$("$rootfs/usr/local/bin/node" --version | tr -d v)" \
  --env NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-bundle.crt \
  --cmd node "$container"
buildah commit --quiet --rm "$container" "$image" >/dev/null
check=$(buildah from --pull=never "$image")
buildah run --isolation chroot "$check" -- sh -c \
  'echo "node $(node --version), npm $(npm --version), $(id node)"'
buildah rm "$check" >/dev/null
