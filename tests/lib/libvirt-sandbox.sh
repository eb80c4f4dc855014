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
