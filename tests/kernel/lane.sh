#!/usr/bin/env bash
# Runs inside the production-kernel VM (tests/kernel/run-vm.sh), as root on
# the host's own binaries: loads the modules this machine's kernel lacks
# (module autoload would run the initramfs's modprobe, which has none), then
# every tests/kernel/ktest-*.sh, each as PID 1 of fresh PID, mount and network
# namespaces, and prints "kernel lane: N passed, M failed" over all checks.
# No SKIP here: a missing module is a failure.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ROOT BIN=${BIN:-$ROOT/build/bin}
cd "$ROOT"
pass=0; fail=0
mods="bridge veth tun 8021q openvswitch vhost_net sch_htb sch_sfq sch_ingress act_police cls_u32 cls_matchall cls_fw
	nf_tables nft_ct nft_nat nft_chain_nat nft_masq nft_reject_inet nf_conntrack"
for m in $mods; do
	if modprobe "$m" 2>/dev/null; then :; else echo "not ok - modprobe $m"; fail=$((fail + 1)); fi
done
[ "$fail" = 0 ] && { echo "ok - modules this machine's kernel lacks are loaded: $(echo $mods | wc -w)"; pass=$((pass + 1)); }
for t in tests/kernel/ktest-${ONLY:-*}.sh; do
	echo "== $(basename "$t" .sh)"
	out=$(mktemp)
	timeout 900 unshare --net --pid --fork --mount-proc bash "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^ok - ' "$out"); f=$(grep -c '^not ok - ' "$out")
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then echo "not ok - $(basename "$t") exited $rc"; fail=$((fail + 1)); fi
	rm -f "$out"
done
echo "kernel lane: $pass passed, $fail failed"
[ "$fail" = 0 ]
