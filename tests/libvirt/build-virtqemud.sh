#!/usr/bin/env bash
# libvirt's split QEMU daemon, virtqemud, for the QEMU-driver test
# (tests/integration/itest-libvirt-qemu.sh). Debian 12 ships only the
# monolithic libvirtd, whose QEMU driver never asks another daemon for a
# network (its remote driver declines network:///system inside it), so the
# split daemon is built from Debian's own libvirt 9.0.0 source: the QEMU
# driver only, no other driver, no docs. Cached in VIRTQEMUD_CACHE (one build
# per machine: ~12 min on 2 cores); a second run is a ninja no-op. What the
# tests run is copied to STAGE-DIR (the daemon, the QEMU driver module and
# the libraries they find next to themselves, the CPU map: ~27 MB), inside the repository
# tree so that the production-kernel VM sees it too.
# Usage: build-virtqemud.sh CACHE-DIR URL SHA256 STAGE-DIR
set -eu
cache=$1 url=$2 sha=$3 stage=$4
src=$cache/libvirt-9.0.0
pkgs="meson ninja-build libglib2.0-dev libgnutls28-dev libtirpc-dev libyajl-dev rpcsvc-proto python3-docutils
	xsltproc libxml2-utils libxml2-dev libnl-3-dev libnl-route-3-dev"
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
	echo "virtqemud: installing build dependencies:" $missing
	[ "$(id -u)" = 0 ] || { echo "virtqemud: need root to apt-get install" >&2; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
mkdir -p "$cache"
if [ ! -f "$src/meson.build" ]; then
	tarball=$cache/libvirt_9.0.0.orig.tar.xz
	[ -f "$tarball" ] || curl -fsSLo "$tarball.part" "$url" && { [ -f "$tarball" ] || mv "$tarball.part" "$tarball"; }
	echo "$sha  $tarball" | sha256sum -c --quiet
	tar -xJf "$tarball" -C "$cache"
fi
if [ ! -f "$src/build/build.ninja" ]; then
	off="network libxl lxc ch vbox esx hyperv openvz vmware vz bhyve test secrets interface"
	opts=(-Ddriver_qemu=enabled -Dstorage_dir=disabled -Ddocs=disabled -Dtests=disabled -Dselinux=disabled
		-Dapparmor=disabled -Dfirewalld=disabled -Dpolkit=disabled -Dsasl=disabled -Dlibssh=disabled
		-Dlibssh2=disabled -Dudev=disabled -Dnls=disabled)
	for d in $off; do opts+=("-Ddriver_$d=disabled"); done
	(cd "$src" && meson setup build "${opts[@]}" >"$cache/meson.log" 2>&1) || { tail -20 "$cache/meson.log"; exit 1; }
fi
t0=$(date +%s)
ninja -C "$src/build" src/virtqemud src/libvirt_driver_qemu.so >"$cache/ninja.log" 2>&1 || { tail -20 "$cache/ninja.log"; exit 1; }
mkdir -p "$stage"
for f in virtqemud libvirt_driver_qemu.so libvirt.so.0 libvirt.so.0.9000.0 libvirt-qemu.so.0 libvirt-qemu.so.0.9000.0 \
	libvirt-lxc.so.0 libvirt-lxc.so.0.9000.0; do
	cp -a "$src/build/src/$f" "$stage/"
done
# the CPU models it reads at a domain's start (installed as PREFIX/share/libvirt/cpu_map)
rm -rf "$stage/cpu_map" && cp -a "$src/src/cpu_map" "$stage/cpu_map"
rm -f "$stage/cpu_map/meson.build"
echo "virtqemud: $stage/virtqemud (libvirt 9.0.0, QEMU driver only; built in $src/build, $(( $(date +%s) - t0 )) s this run)"
