# Helpers for running libvirt's daemons inside a test's namespaces (sourced).
# libvirt_sandbox_users: libvirt's QEMU driver wants its user (libvirt-qemu)
# and group (kvm) to exist even when qemu.conf says root: private copies of
# passwd and group, bind-mounted in this test's mount namespace, carry them.
libvirt_sandbox_users() {
	cp /etc/passwd "$T/passwd" && cp /etc/group "$T/group" || return 1
	grep -q "^libvirt-qemu:" /etc/passwd || echo "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin" >>"$T/passwd"
	grep -q "^kvm:" /etc/group || echo "kvm:x:64056:" >>"$T/group"
	grep -q "^libvirt-qemu:" /etc/group || echo "libvirt-qemu:x:64055:" >>"$T/group"
	mount --bind "$T/passwd" /etc/passwd && mount --bind "$T/group" /etc/group
}
# libvirt_qemu_conf FILE: root, no cgroups, no private /dev, no SELinux or
# AppArmor, no virtlogd: what a namespace sandbox allows; networking is netd's
libvirt_qemu_conf() {
	cat >"$1" <<'CONF'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
CONF
}
# virtqemud_sandbox VQ: the staged virtqemud (make virtqemud) gets its paths
# (PREFIX /usr/local: /usr/local/etc/libvirt, /usr/local/share/libvirt,
# /var/local/run/libvirt, ...) as tmpfs mounts private to this mount
# namespace, its configuration, its CPU map, libvirt's user; prints nothing
virtqemud_sandbox() {
	local d
	for d in /usr/local/etc /usr/local/share /var/local; do
		mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d" || return 1
	done
	mkdir -p /usr/local/etc/libvirt /usr/local/share/libvirt /var/local/run/libvirt /var/local/lib/libvirt \
		/var/local/log/libvirt /var/local/cache/libvirt || return 1
	cp -r "$1/cpu_map" /usr/local/share/libvirt/ || return 1
	libvirt_sandbox_users || return 1
	libvirt_qemu_conf /usr/local/etc/libvirt/qemu.conf
	printf 'unix_sock_rw_perms = "0700"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\nlog_outputs = "3:stderr"\n' \
		>/usr/local/etc/libvirt/virtqemud.conf
}
# virtqemud_start VQ LOG: runs it (its pid in NSPIDS) and waits for its socket, 15 s at most
virtqemud_start() {
	LIBVIRT_DRIVER_DIR=$1 "$1/virtqemud" --config /usr/local/etc/libvirt/virtqemud.conf >>"$2" 2>&1 &
	NSPIDS+=($!)
	for _ in $(seq 150); do [ -S /var/local/run/libvirt/virtqemud-sock ] && return 0; sleep 0.1; done
	return 1
}
