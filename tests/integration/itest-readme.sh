#!/usr/bin/env bash
# The README's commands work as written. Every netdctl command line in it
# (code blocks and inline) is taken as netdctl parses it: none may be refused
# as a usage error. Then the Usage block runs as written, line by line, against
# a netd in this sandbox ("sudo netd &" is start_netd; the guest's QEMU is the
# fake one, vm.qcow2 does not exist here).
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
README=$ROOT/README.md

# -- every netdctl line parses
extract() {
	{
		sed -n 's/^    \(\$ \)\?\(netdctl .*\)/\2/p' "$README"
		grep -o '`netdctl [^`]*`' "$README" | tr -d '`'
	} | sed 's/ # .*//; s/ *$//' | sed 's/ && /\n/g' | grep '^netdctl ' | sort -u
}
bad=
n=0
while IFS= read -r line; do
	# placeholders in upper case stand for a value: any word does
	line=$(echo "$line" | sed 's/\[\([^]]*\)\]/\1/g; s/|[^ ]*//g')
	eval "set -- ${line#netdctl }" 2>/dev/null || { bad="$bad|$line (quoting)"; continue; }
	# the prose names a verb alone ("`netdctl net-start`"): the verb must exist
	[ $# = 1 ] && [ "$1" != doctor ] && set -- "$1" --help
	out=$(NETD_SOCKET=$T/none.sock "$BIN/netdctl" "$@" 2>&1 </dev/null)
	rc=$?
	n=$((n + 1))
	if echo "$out" | grep -q "doesn't support option\|needs a value\|takes no value\|takes \|unknown command"; then
		bad="$bad|$line: $out"
	elif [ "$rc" = 0 ] && [ "$1" != net-validate ] && [ "$1" != doctor ] && [ "${2:-}" != --help ]; then
		bad="$bad|$line: exit 0 without netd?"
	fi
done < <(extract)
echo "# $n netdctl command lines in README.md"
check "every netdctl line in README.md parses (${bad:-none refused})" test -z "$bad" -a "$n" -gt 15

# -- the Usage block, as written
start_netd || exit 1
cd "$T" && mkdir -p docs/examples && cp "$ROOT/docs/examples/default.xml" docs/examples/ && cp docs/examples/default.xml .
export EDITOR=true PATH="$BIN:$PATH"
usage_lines=$(sed -n '/^## Usage/,/^`netd` options/p' "$README" | sed -n 's/^    \(netdctl .*\|netd-launch .*\)/\1/p' | sed 's/ *# .*//')
while IFS= read -r line; do
	case "$line" in
	netd-launch*) cmd="FAKE_QEMU_OUT=$T/fq timeout 30 ${line/netd-launch /netd-launch --qemu $ROOT/tests/tools/fake-qemu.sh }"
		(sleep 1; touch "$T/fq.stop") & ;;
	*) cmd=$line ;;
	esac
	check "README: $line" eval "$cmd"
done <<<"$usage_lines"
check "  the fake QEMU got netd's TAP" grep -q "tun fd" "$T/fq"
check "  the port made by net-port-create is kept by the stopped network" sh -c "netdctl net-port-list default | grep -q vnet"
check "  the reservation from net-update is in the definition" sh -c "netdctl net-dumpxml default --inactive | grep -q \"ip='192.168.122.10'\""
finish
