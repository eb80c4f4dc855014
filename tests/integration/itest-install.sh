#!/usr/bin/env bash
# What a system daemon ships with (issue "Operator experience"): make install
# into a DESTDIR lays out the binaries, the systemd unit (verified by
# systemd-analyze where it exists), the options file, man pages and bash
# completion, and make uninstall takes them away again but the admin's
# options file; --version everywhere; netd.conf read with the command line
# winning and its errors naming file and line; the completion knows every verb.
. "$(dirname "$0")/lib.sh"
need_root
D=$T/dest
check "make install into a DESTDIR" make -s -C "$ROOT" install DESTDIR="$D" PREFIX=/usr BUILD="$(dirname "$BIN")"
for f in usr/sbin/netd usr/bin/netdctl usr/bin/netd-launch usr/lib/systemd/system/netd.service \
	usr/lib/systemd/system/netd.socket etc/netd/netd.conf \
	usr/share/man/man8/netd.8 usr/share/man/man1/netdctl.1 usr/share/man/man1/netd-launch.1 \
	usr/share/man/man5/netd-network.5 usr/share/bash-completion/completions/netdctl; do
	check "installs $f" test -s "$D/$f"
done
check "the unit is Type=notify and keeps guests up through a restart (KillMode=process)" sh -c "grep -qx 'Type=notify' '$D/usr/lib/systemd/system/netd.service' && grep -qx 'KillMode=process' '$D/usr/lib/systemd/system/netd.service'"
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=.*|ExecStart=$D/usr/sbin/netd|" "$D/usr/lib/systemd/system/netd.service" >"$T/netd.service"
	cp "$D/usr/lib/systemd/system/netd.socket" "$T/netd.socket"
	check "systemd-analyze verify accepts the units (service and socket)" systemd-analyze verify --man=no "$T/netd.service" "$T/netd.socket"
elif [ "${CI:-}" = true ]; then
	not_ok "systemd-analyze is missing (CI=true)"
fi
if command -v groff >/dev/null; then
	check "the man pages render without warnings" sh -c "for m in '$D'/usr/share/man/man*/*; do out=\$(groff -man -Tutf8 -ww -z \"\$m\" 2>&1); [ -z \"\$out\" ] || { echo \"\$m: \$out\"; exit 1; }; done"
fi
check "netd, netdctl and netd-launch say their version" sh -c "'$D/usr/sbin/netd' --version | grep -q '^netd [0-9]' && '$D/usr/bin/netdctl' --version | grep -q '^netdctl [0-9]' && '$D/usr/bin/netd-launch' --version | grep -q '^netd-launch [0-9]'"
echo "# the admin edits the options file" >>"$D/etc/netd/netd.conf"
check "a second install keeps the admin's options file" sh -c "make -s -C '$ROOT' install DESTDIR='$D' PREFIX=/usr BUILD='$(dirname "$BIN")' && grep -q 'the admin edits' '$D/etc/netd/netd.conf'"
check "make uninstall removes what install put there" make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=/usr
check "  all but the admin's options file" sh -c "test \"\$(find '$D' -type f)\" = '$D/etc/netd/netd.conf'"

# netd.conf: the options as name = value, the command line wins, errors name file:line
cat >"$T/netd.conf" <<CONF
# test
socket = $T/from-conf.sock
config-dir = $T/etc
run-dir = $T/run

state-dir = $T/lib
unsafe-dirs-for-tests = yes
verbose = no
CONF
"$BIN/netd" --conf "$T/netd.conf" 2>>"$T/netd.log" &
pid=$!
for _ in $(seq 100); do [ -S "$T/from-conf.sock" ] && break; sleep 0.02; done
check "netd takes its options from --conf" sh -c "NETD_SOCKET='$T/from-conf.sock' '$BIN/netdctl' net-list"
kill "$pid"; wait "$pid" 2>/dev/null
"$BIN/netd" --conf "$T/netd.conf" --socket "$T/from-cli.sock" 2>>"$T/netd.log" &
pid=$!
for _ in $(seq 100); do [ -S "$T/from-cli.sock" ] && break; sleep 0.02; done
check "the command line wins over the file" sh -c "NETD_SOCKET='$T/from-cli.sock' '$BIN/netdctl' net-list && ! test -e '$T/from-conf.sock'"
kill "$pid"; wait "$pid" 2>/dev/null
printf 'verbose = yes\n\nsokcet = /x\n' >"$T/bad.conf"
check "a misspelt option is refused naming the file and line" sh -c "! '$BIN/netd' --conf '$T/bad.conf' 2>'$T/bad.err' && grep -q \"bad.conf:3: unknown option 'sokcet'\" '$T/bad.err'"
check "an explicit --conf that is missing is an error" sh -c "'$BIN/netd' --conf '$T/none.conf' 2>'$T/none.err'; test \$? != 0 && grep -q 'none.conf: no such file' '$T/none.err'"

# bash completion: every verb netdctl documents, options per verb, network names from netd
verbs=$("$BIN/netdctl" --help | sed -n 's/^  \(net-[a-z-]*\|doctor\).*/\1/p' | tr '\n' ' ')
complete_words() { # complete_words WORDS...: what completing the last word offers
	PATH="$BIN:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _netdctl; echo "${COMPREPLY[*]}"' _ \
		"$ROOT/netd/client/netdctl.bash-completion" "$@"
}
check "the completion offers every verb of netdctl --help" sh -c "for v in $verbs net-name; do echo ' $(complete_words netdctl '') ' | grep -q \" \$v \" || { echo \"missing \$v\"; exit 1; }; done"
check "  and each verb's options (net-update --parent-index)" sh -c "echo '$(complete_words netdctl net-update --pa)' | grep -qx -- --parent-index"
missing=
for v in $verbs; do
	offered=" $(complete_words netdctl "$v" --) "
	for o in $("$BIN/netdctl" "$v" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
		case "$offered" in *" $o "*) ;; *) missing="$missing $v:$o" ;; esac
	done
done
check "  every option of every verb's --help (${missing:-none missing})" test -z "$missing"
undocumented=
for v in $verbs; do grep -q "^\.B[I]* ${v//-/\\\\-}\b" "$ROOT/docs/man/netdctl.1" || undocumented="$undocumented $v"; done
check "netdctl(1) documents every verb (${undocumented:-none missing})" test -z "$undocumented"
check "  -q before the verb" sh -c "echo ' $(complete_words netdctl --q) ' | grep -q ' --quiet '"
start_netd || exit 1
printf "<network><name>compl</name><bridge name='ndcm0'/></network>" >"$T/c.xml"
"$BIN/netdctl" net-define "$T/c.xml" >/dev/null
check "  and network names from netd" sh -c "NETD_SOCKET='$NETD_SOCKET' PATH='$BIN:$PATH' bash -c '. \"$ROOT/netd/client/netdctl.bash-completion\"; COMP_WORDS=(netdctl net-start co); COMP_CWORD=2; _netdctl; echo \"\${COMPREPLY[*]}\"' | grep -qx compl"

# socket activation as netd.socket does it: the socket exists before netd; the
# first client's request starts netd, which takes the socket (fd 3) and answers
stop_netd
rm -f "$NETD_SOCKET"
systemd-socket-activate --seqpacket -l "$NETD_SOCKET" "$BIN/netd" --socket "$NETD_SOCKET" --config-dir "$T/etc" \
	--run-dir "$T/run" --state-dir "$T/lib" --dnsmasq-log file 2>>"$T/netd-act.log" &
act=$!
NSPIDS+=($act)
for _ in $(seq 100); do [ -S "$NETD_SOCKET" ] && break; sleep 0.02; done
chmod 0666 "$NETD_SOCKET" # netd.socket's SocketMode=0666
check "socket activation: a client's first request is answered by the netd it starts" sh -c "NETD_TIMEOUT=10 '$BIN/netdctl' net-list --all --name | grep -qx compl"
check "  netd says it took the socket systemd listens on" grep -q "the socket systemd listens on" "$T/netd-act.log"
check "  and the socket's credentials still decide (an unprivileged user cannot change things)" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups '$BIN/netdctl' net-start compl 2>&1 | grep -q 'permission denied'"
kill "$act" 2>/dev/null; wait "$act" 2>/dev/null
pkill -x netd 2>/dev/null
rm -f "$NETD_SOCKET"
# a socket of the wrong type from the service manager is refused, not worked around
mkdir -p "$T/etc2" "$T/run2" "$T/lib2"
out=$(bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@" 3</dev/null' _ "$BIN/netd" --socket "$T/x.sock" \
	--config-dir "$T/etc2" --run-dir "$T/run2" --state-dir "$T/lib2" --unsafe-dirs-for-tests 2>&1)
echo "$out" | tail -2
check "a LISTEN_FDS socket of the wrong type is an error naming it" grep -q "not a SOCK_SEQPACKET socket" <<<"$out"
check "  and netd made no socket of its own" test ! -e "$T/x.sock"
finish
