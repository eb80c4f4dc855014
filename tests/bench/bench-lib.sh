# Shared helpers of the benchmark parts (sourced). Each part runs as PID 1 of
# its own PID, mount and network namespace, so whatever it starts dies with it
# and nothing reaches the machine's own network namespace.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$ROOT/build/bin}
BENCH_OUT=${BENCH_OUT:-$ROOT/build/bench}
RESULTS=$BENCH_OUT/results.tsv

# in_own_namespaces "$@": re-executes the calling script as PID 1 of new
# PID, mount and network namespaces (once)
in_own_namespaces() {
	if [ "${NETD_BENCH_INNER:-}" != "$(basename "$0")" ]; then
		exec env NETD_BENCH_INNER="$(basename "$0")" unshare --net --pid --fork --mount-proc --mount \
			bash "$0" "$@"
	fi
	ip link set lo up
}

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; } # no fork: bash 5's clock
# timed FILE COMMAND...: runs COMMAND (output dropped), appends its wall time in
# microseconds to FILE; fails when COMMAND fails, printing its output
timed() {
	local file=$1 a b out; shift
	a=${EPOCHREALTIME/[.,]/}
	if ! out=$("$@" 2>&1); then
		echo "bench: '$*' failed: $out" >&2
		return 1
	fi
	b=${EPOCHREALTIME/[.,]/}
	echo $((b - a)) >>"$file"
}

# record GROUP METRIC VALUE UNIT [NOTE]: one result line
record() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >>"$RESULTS"
}
# record_stats GROUP METRIC FILE: median and p90 (ms) of the microsecond samples in FILE
record_stats() {
	local line
	line=$(sort -n "$3" | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		p = v[int(NR * 0.9 + 0.999)]
		printf "%.2f %.2f %d", m / 1000, p / 1000, NR }') || return 1
	set -- "$1" "$2" $line
	record "$1" "$2 median" "$3" ms "n=$5"
	record "$1" "$2 p90" "$4" ms "n=$5"
}
# median_of FILE [FIRST LAST]: median of lines FIRST..LAST (1-based) of FILE, in ms
median_of() {
	sed -n "${2:-1},${3:-\$}p" "$1" | sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f", m / 1000 }'
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# nat_xml NAME BRIDGE PREFIX [EXTRA]: a NAT network with DHCP on PREFIX.0/24
# (PREFIX is three octets), the shape libvirt's default network has
nat_xml() {
	cat <<XML
<network>
  <name>$1</name>
  <forward mode='nat'/>
  <bridge name='$2'${4:+ $4}/>
  <ip address='$3.1' prefix='24'>
    <dhcp><range start='$3.2' end='$3.254'/></dhcp>
  </ip>
</network>
XML
}
# the subnet prefix of scale network I (1..16000): 10.128.0.0/9 onwards
scale_prefix() { echo "10.$((128 + $1 / 250)).$(($1 % 250))"; }

. "$ROOT/tests/lib/netns.sh"

# bench_netd_start: a netd with sandboxed dirs in $T (run-time state on tmpfs,
# as /run is in production; config and state on disk); its pid in NETD_PID
bench_netd_start() {
	"$BIN/netd" --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" --state-dir "$T/lib" \
		2>>"$T/netd.log" &
	NETD_PID=$!
}
# bench_sandbox: $T, its tmpfs, NETD_SOCKET, and the cleanup trap
bench_sandbox() {
	T=$(mktemp -d /tmp/netd-bench.XXXXXX)
	chmod 755 "$T" # dnsmasq drops to an unprivileged user and must read its files
	mkdir -p "$T/run" && mount -t tmpfs -o mode=0755 tmpfs "$T/run"
	NETD_PID=
	export NETD_SOCKET=$T/sock
	trap bench_cleanup EXIT
}
bench_cleanup() {
	[ -n "$NETD_PID" ] && kill "$NETD_PID" 2>/dev/null && wait "$NETD_PID" 2>/dev/null
	pkill -x dnsmasq; pkill -x iperf3; pkill -f qemu-system
	for p in "${NSPIDS[@]}"; do kill "$p" 2>/dev/null; done
	umount -l "$T/run" 2>/dev/null
	rm -rf "$T"
}
# wait_answer: until netd answers, 10 s at most
wait_answer() {
	for _ in $(seq 2000); do "$BIN/netdctl" net-list >/dev/null 2>&1 && return 0; sleep 0.005; done
	echo "bench: netd did not answer:" >&2; tail "$T/netd.log" >&2; return 1
}
ctl() { "$BIN/netdctl" "$@"; }

# wait_quiet: until two half-second samples in a row find the CPUs 90% idle
# (a namespace with 1000 bridges is torn down in the background for tens of
# seconds; 1000 dnsmasqs take a while to settle), 300 s at most
cpu_sample() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
wait_quiet() {
	local a=${EPOCHREALTIME/[.,]/} quiet=0 i0 t0 i1 t1
	read -r i0 t0 < <(cpu_sample)
	for _ in $(seq 600); do
		sleep 0.5
		read -r i1 t1 < <(cpu_sample)
		if [ $((t1 - t0)) -gt 0 ] && [ $(((i1 - i0) * 100 / (t1 - t0))) -ge 90 ]; then
			quiet=$((quiet + 1))
			[ "$quiet" -ge 2 ] && break
		else
			quiet=0
		fi
		i0=$i1; t0=$t1
	done
	echo $(( (${EPOCHREALTIME/[.,]/} - a) / 1000 ))
}
