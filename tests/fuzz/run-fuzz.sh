#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS (default 60) from its seeds
# (the libvirt corpus for the XML parser), in a private corpus dir under the
# build dir. Fails on any crash; prints the executions each target ran.
set -u
FUZZ_BIN=${1:?usage: run-fuzz.sh FUZZ-BIN-DIR}
SECS=${FUZZ_SECONDS:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=${NETD_CORPUS_DIR:-$ROOT/../shared/corpus}
fail=0
for t in netdef request leases dnsmasq-values; do
	work=$FUZZ_BIN/corpus-$t
	mkdir -p "$work"
	case $t in
	netdef | dnsmasq-values)
		cp "$ROOT"/tests/fuzz/seeds/netdef/* "$work"/ 2>/dev/null
		cp "$CORPUS"/libvirt/*.xml "$CORPUS"/libvirt-extra/networkxml2xmlin/*.xml "$work"/ 2>/dev/null ;;
	*) cp "$ROOT"/tests/fuzz/seeds/$t/* "$work"/ ;;
	esac
	log=$FUZZ_BIN/fuzz-$t.log
	# lease lines of any length the protocol allows (a 255-byte client id is 764 characters)
	max=4096; [ "$t" = leases ] && max=65536
	"$FUZZ_BIN/fuzz-$t" -max_len=$max -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$FUZZ_BIN/crash-$t-" \
		"$work" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" = 0 ]; then
		echo "fuzz: $t: ${runs:-?} executions in ${SECS} s, no crash"
	else
		echo "fuzz: $t: CRASH (exit $rc) after ${runs:-?} executions; log $log"
		grep -A20 "ERROR: \|SUMMARY" "$log" | head -30
		fail=1
	fi
done
exit $fail
