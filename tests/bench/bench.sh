#!/usr/bin/env bash
# make bench: netd side by side with libvirt's network driver, in one run.
# Each part runs in its own PID, mount and network namespaces (the parts
# re-execute themselves with unshare); between parts this script waits until
# the machine is quiet again (the kernel tears a namespace with 1000 bridges
# down in the background, for tens of seconds), so that no part pays for
# another's cleanup.
#   tests/bench/bench-netd.sh     lifecycle, kernel floor, scale, firewall, restart
#   tests/bench/bench-ports.sh    ports per second, time to lease
#   tests/bench/bench-libvirt.sh  libvirt's lifecycle and scale
#   tests/bench/bench-domain.sh   a libvirt domain's start to lease: libvirt's network vs netd's
#   tests/bench/bench-ovn.sh      an OVN network on two hosts: start, netd-launch to port up, TCP
# Knobs: BENCH_RUNS (20), BENCH_NETS (1000), BENCH_PORTS (1000),
# BENCH_LIBVIRT_NETS (BENCH_NETS), BENCH_LIBVIRT_BUDGET (600 s),
# BENCH_FW_RUNS (7), BENCH_FW_SECONDS (2), BENCH_LEASE_RUNS (10),
# BENCH_DOMAIN_RUNS (5), BENCH_OVN_RUNS (10), BENCH_PARTS ("netd ports libvirt domain ovn"; "report"
# prints the last results again).
# Prints a table and the comparisons with their targets; writes both to
# $BENCH_OUT/bench.json (and the raw lines to results.tsv). The targets are
# reported, never asserted: this is not a test.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
export ROOT
export BIN=${BIN:-$ROOT/build/bin}
export BENCH_OUT=${BENCH_OUT:-$ROOT/build/bench}
RESULTS=$BENCH_OUT/results.tsv
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (network namespaces, bridges, nftables)" >&2
	exit 1
fi
mkdir -p "$BENCH_OUT"
[ "${BENCH_PARTS:-}" = report ] || : >"$RESULTS" # report: print the last results again

. "$ROOT/tests/bench/bench-lib.sh"
settle() { echo "bench: waited $(wait_quiet) ms for a quiet machine (the last part's teardown)" >&2; }

failed=
ran=
[ "${BENCH_PARTS:-}" = report ] && BENCH_PARTS=" "
for part in ${BENCH_PARTS:-netd ports libvirt domain ovn}; do
	ran=1
	settle
	echo "bench: == $part" >&2
	bash "$ROOT/tests/bench/bench-$part.sh" || { echo "bench: part $part FAILED" >&2; failed="$failed $part"; }
done
[ -n "$ran" ] && settle

# -- the report ------------------------------------------------------------------
awk -F'\t' -v kernel="$(uname -r)" -v cpus="$(nproc)" -v json="$BENCH_OUT/bench.json" -v failed="$failed" '
function val(g, m) { return ((g SUBSEP m) in v) ? v[g, m] : "" }
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s); return "\"" s "\"" }
function jnum(x) { return (x ~ /^-?[0-9]+(\.[0-9]+)?$/) ? x : jstr(x) }
# compare WHAT A B KIND TARGET: KIND "x" is A/B (how many times faster B is when
# A, B are times), "r" is A/B as a ratio; met when the ratio meets TARGET with OP
function compare(what, a, b, op, target, unit,   r, met) {
	if (a == "" || b == "" || b + 0 == 0) {
		printf "  %-62s %s\n", what, "n/a (a part did not run)"
		cmp[++nc] = "{\"what\": " jstr(what) ", \"value\": null, \"target\": " jstr(op " " target) ", \"met\": null}"
		return
	}
	r = a / b
	met = (op == ">=") ? (r >= target) : (r <= target)
	printf "  %-62s %8.2f%s  target %s %s%s  %s\n", what, r, unit, op, target, unit, met ? "met" : "MISSED"
	cmp[++nc] = "{\"what\": " jstr(what) ", \"value\": " sprintf("%.3f", r) ", \"target\": " jstr(op " " target unit) ", \"met\": " (met ? "true" : "false") "}"
}
function absolute(what, x, op, target, unit,   met) {
	if (x == "") {
		printf "  %-62s %s\n", what, "n/a (a part did not run)"
		cmp[++nc] = "{\"what\": " jstr(what) ", \"value\": null, \"target\": " jstr(op " " target " " unit) ", \"met\": null}"
		return
	}
	met = (op == ">=") ? (x + 0 >= target) : (x + 0 <= target)
	printf "  %-62s %8s %s  target %s %s %s  %s\n", what, x, unit, op, target, unit, met ? "met" : "MISSED"
	cmp[++nc] = "{\"what\": " jstr(what) ", \"value\": " jnum(x) ", \"target\": " jstr(op " " target " " unit) ", \"met\": " (met ? "true" : "false") "}"
}
{
	n++; g[n] = $1; m[n] = $2; x[n] = $3; u[n] = $4; note[n] = $5; v[$1, $2] = $3
	if ($1 ~ /^netd-scale$/ && $2 ~ /^daemon RSS with /) rss_n = $3
	if ($1 == "netd-scale" && $2 ~ /^start around network [0-9]+$/) { k = $2; sub(/.* /, "", k); if (k + 0 > top + 0) top = k }
	if ($1 == "libvirt-scale" && $2 ~ /^start around network [0-9]+$/) { k = $2; sub(/.* /, "", k); if (k + 0 > ltop + 0) ltop = k }
	if ($1 == "firewall" && $2 ~ /other networks loaded$/ && $2 !~ /, 1 other network loaded$/) { s = $2; sub(/.*, /, "", s); fwn = s }
}
END {
	printf "\n%-14s %-58s %12s %-10s %s\n", "group", "metric", "value", "unit", "note"
	for (i = 1; i <= n; i++)
		printf "%-14s %-58s %12s %-10s %s\n", g[i], m[i], x[i], u[i], note[i]
	print "\ncomparisons (same run; times are medians as the client sees them):"
	compare("start: libvirt / netd (times faster)", val("libvirt", "net-start median"), val("netd", "net-start median"), ">=", 10, "x")
	compare("destroy: libvirt / netd (times faster)", val("libvirt", "net-destroy median"), val("netd", "net-destroy median"), ">=", 5, "x")
	compare("define: libvirt / netd (times faster)", val("libvirt", "net-define median"), val("netd", "net-define median"), ">=", 1, "x")
	compare("undefine: libvirt / netd (times faster)", val("libvirt", "net-undefine median"), val("netd", "net-undefine median"), ">=", 1, "x")
	compare("destroy: netd / kernel bridge delete", val("netd", "net-destroy median"), val("kernel", "bridge delete (ip link) median"), "<=", 1.5, "x")
	if (top != "")
		compare("scale: netd start around network " top " / around network 1", val("netd-scale", "start around network " top), val("netd-scale", "start around network 1"), "<=", 1.3, "x")
	for (i = 1; i <= n; i++)
		if (g[i] == "netd-scale" && m[i] ~ /other dnsmasqs paused$/) { paused = x[i]; pm = m[i]; sub(/^start of networks /, "", pm); sub(/,.*/, "", pm) }
	if (paused != "")
		compare("scale: netd alone, start of networks " pm " (dnsmasqs paused) / around 1", paused, val("netd-scale", "start around network 1"), "<=", 1.3, "x")
	if (ltop != "") {
		compare("scale: libvirt start around network " ltop " / around network 1", val("libvirt-scale", "start around network " ltop), val("libvirt-scale", "start around network 1"), "<=", 1.3, "x")
		# at the furthest network both reached
		common = ""
		for (kk = 1; kk <= 1000000; kk *= 10)
			if (val("netd-scale", "start around network " kk) != "" && val("libvirt-scale", "start around network " kk) != "") common = kk
		if (common != "")
			compare("scale: libvirt / netd, start around network " common, val("libvirt-scale", "start around network " common), val("netd-scale", "start around network " common), ">=", 10, "x")
		compare("scale: libvirt / netd, daemon RSS", val("libvirt-scale", "daemon RSS with " val("libvirt-scale", "networks started") " networks"), rss_n, ">=", 1, "x")
	}
	absolute("scale: netd daemon RSS with all networks", rss_n == "" ? "" : sprintf("%.1f", rss_n / 1024), "<=", 8, "MB")
	if (fwn != "") {
		compare("firewall: TCP throughput, " fwn " / 1 other", val("firewall", "TCP throughput, " fwn), val("firewall", "TCP throughput, 1 other network loaded"), ">=", 0.95, "x")
		compare("firewall: UDP packet rate, " fwn " / 1 other", val("firewall", "UDP 64-byte packets received, " fwn), val("firewall", "UDP 64-byte packets received, 1 other network loaded"), ">=", 0.95, "x")
	}
	for (i = 1; i <= n; i++) {
		if (g[i] == "firewall" && m[i] ~ /^TCP throughput, rules of 1 network, /) { one = m[i]; sub(/^TCP throughput, /, "", one) }
		if (g[i] == "firewall" && m[i] ~ /^TCP throughput, rules of all [0-9]+ networks, /) { all = m[i]; sub(/^TCP throughput, /, "", all) }
	}
	if (one != "" && all != "") {
		compare("firewall, only the rules differ: TCP, rules of all / of 1", val("firewall", "TCP throughput, " all), val("firewall", "TCP throughput, " one), ">=", 0.95, "x")
		compare("firewall, only the rules differ: UDP, rules of all / of 1", val("firewall", "UDP 64-byte packets received, " all), val("firewall", "UDP 64-byte packets received, " one), ">=", 0.95, "x")
	}
	for (i = 1; i <= n; i++)
		if (g[i] == "ports" && m[i] ~ /^create\+attach\+handover, median/) pr = x[i]
	absolute("ports: create+attach+handover, one client", pr, ">=", 2000, "ports/s")
	absolute("ports: create+attach+handover, 2 clients at once", val("ports", "2 clients at once: create+attach+handover"), ">=", 2000, "ports/s")
	compare("ports: netd / kernel floor", pr, val("ports", "kernel floor: TAP create + join + up"), ">=", 0.5, "x")
	absolute("time to lease: namespace guest, netd defaults", val("lease", "namespace guest (udhcpc), defaults median"), "<=", 500, "ms")
	compare("libvirt domain start to lease: libvirtd network / netd network", val("domain", "start to lease, libvirtd own network median"), val("domain", "start to lease, virtqemud + netd median"), ">=", 1, "x")
	absolute("time to lease: QEMU guest, link up to lease", val("lease", "QEMU guest, link up to lease (guest clock)"), "<=", 500, "ms")
	compare("OVN: TCP across hosts / same host (our own bar)", val("ovn", "TCP, across hosts over Geneve (one stream)"), val("ovn", "TCP, same host (one stream)"), ">=", 0.5, "x")
	absolute("OVN: netd-launch to port up (our own bar)", val("ovn", "netd-launch to port up in OVN (fds handed over at ovn-installed) median"), "<=", 500, "ms")
	if (failed != "") print "\nparts that FAILED:" failed

	printf "{\n  \"machine\": {\"kernel\": %s, \"cpus\": %s},\n  \"failed_parts\": %s,\n  \"results\": [\n", jstr(kernel), cpus, jstr(failed) > json
	for (i = 1; i <= n; i++)
		printf "    {\"group\": %s, \"metric\": %s, \"value\": %s, \"unit\": %s, \"note\": %s}%s\n", jstr(g[i]), jstr(m[i]), jnum(x[i]), jstr(u[i]), jstr(note[i]), i < n ? "," : "" > json
	printf "  ],\n  \"comparisons\": [\n" > json
	for (i = 1; i <= nc; i++)
		printf "    %s%s\n", cmp[i], i < nc ? "," : "" > json
	printf "  ]\n}\n" > json
	print "\nbench: written " json
}' "$RESULTS"
[ -z "$failed" ]
