#!/usr/bin/env bash
# make check-ovn: tests/ovn/check-ovn.sh as PID 1 of fresh PID, mount and
# network namespaces (nothing it starts outlives it). Without OVN installed:
# one SKIP line, a failure under CI=true.
set -u
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
	[ "${CI:-}" = true ] && { echo "ovn: needs root, and CI=true: failing"; exit 1; }
	echo "SKIP: the OVN lab needs root"; exit 0
fi
if ! command -v ovn-northd >/dev/null || ! command -v ovn-controller >/dev/null; then
	[ "${CI:-}" = true ] && { echo "ovn: OVN is not installed (make deps: ovn-central ovn-host), and CI=true: failing"; exit 1; }
	echo "SKIP: OVN is not installed (make deps installs ovn-central and ovn-host)"; exit 0
fi
ROOT=$(pwd) timeout 900 unshare --net --pid --fork --mount --mount-proc bash tests/ovn/check-ovn.sh
