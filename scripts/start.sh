#!/bin/sh
# Starts the gateway with its heap sized from the container's memory limit, then becomes it
# (exec: the same PID, so that SIGTERM reaches Node.js, which drains).
#
# Node.js 20 and 24 read the cgroup limit, but with a small one V8 allows a heap as large as the
# limit itself (259 MiB of heap under a 256 MiB limit): the kernel kills the process before the
# garbage collector works hard. The old generation gets HEAP_PERCENT of the limit (default 60);
# the rest holds the young generation, code, buffers and sockets. V8 also shrinks the young
# generation with a small heap (about 1 MiB a semi-space at 153 MiB), and the scavenger then runs
# so often that the gateway serves half as much (garbage collection at 37% of its CPU under a
# 256 MiB limit, 13% with 16 MiB semi-spaces): a semi-space gets a sixteenth of the limit, at
# most 16 MiB. With no limit (or a very large one) and when NODE_OPTIONS already sets a heap
# size, Node.js decides alone.
#
# Usage: start.sh SCRIPT [ARGS...]   (NODE: the node binary, default `node` on PATH)
set -eu

# The memory limit of this process's own cgroup (v2, else v1), in bytes; empty for none. The
# path comes from /proc/self/cgroup: "/" in a container, a group's path on a host.
limit_bytes() {
  v2=$(sed -n 's/^0::\(.*\)$/\1/p' /proc/self/cgroup)
  v1=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' /proc/self/cgroup)
  for file in "/sys/fs/cgroup${v2%/}/memory.max" "/sys/fs/cgroup/memory${v1%/}/memory.limit_in_bytes"; do
    if [ -r "$file" ]; then
      value=$(cat "$file")
      [ "$value" = max ] || echo "$value"
      return
    fi
  done
}

case "${NODE_OPTIONS:-}" in
*--max-old-space-size*) ;;
*)
  limit=$(limit_bytes)
  # Above 64 GiB counts as no limit (cgroup v1 writes "unlimited" as a huge number).
  if [ -n "$limit" ] && [ "$limit" -lt 68719476736 ]; then
    heap_mib=$((limit / 1048576 * ${HEAP_PERCENT:-60} / 100))
    semi_mib=$((limit / 1048576 / 16))
    [ "$semi_mib" -le 16 ] || semi_mib=16
    NODE_OPTIONS="--max-old-space-size=$heap_mib --max-semi-space-size=$semi_mib${NODE_OPTIONS:+ $NODE_OPTIONS}"
    export NODE_OPTIONS
  fi
  ;;
esac
exec "${NODE:-node}" "$@"
