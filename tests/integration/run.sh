#!/usr/bin/env bash
# Runs every tests/integration/itest-*.sh, each as PID 1 of fresh PID, mount
# and network namespaces: nothing it starts or creates outlives it.
# Exit 77 from a test is a skip; under CI=true a skip is only accepted when the
# test printed "SKIP: kernel lacks ...".
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
pass=0; fail=0; skip=0
if [ "$(id -u)" != 0 ]; then
	if [ "${CI:-}" = true ]; then echo "integration: needs root, and CI=true: failing"; exit 1; fi
	echo "SKIP: integration tests need root (run make check as root)"; exit 0
fi
for t in tests/integration/itest-${ONLY:-*}.sh; do
	name=$(basename "$t" .sh)
	echo "== $name"
	out=$(mktemp)
	ROOT=$ROOT timeout 600 unshare --net --pid --fork --mount-proc bash "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" = 0 ]; then pass=$((pass + 1))
	elif [ "$rc" = 77 ]; then
		if [ "${CI:-}" = true ] && ! grep -q '^SKIP: kernel lacks' "$out"; then
			echo "$name: skipped under CI=true without a missing kernel feature: failing"; fail=$((fail + 1))
		else skip=$((skip + 1)); fi
	else fail=$((fail + 1)); echo "$name: FAILED (exit $rc)"; fi
	rm -f "$out"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
