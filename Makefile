# netd: plain Makefile. `make V=1` shows the commands.
#   make            build everything (installs missing Debian packages first, as root)
#   make check      every test: unit (plain, then ASan+UBSan), headers, layering,
#                   integration (root, in private network namespaces)
#   make demo       the README's main job
#   make install    PREFIX=/usr/local DESTDIR=

CC       ?= cc
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
SBINDIR  ?= $(PREFIX)/sbin
DATADIR  ?= $(PREFIX)/share
MANDIR   ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
UNITDIR  ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
BUILD    ?= build
SAN      ?=
CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
BASEFLAGS := -std=gnu11 -D_GNU_SOURCE -I. -MMD -MP $(WARNINGS)
ifeq ($(SAN),fuzz)
BASEFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDSAN     := -fsanitize=fuzzer,address,undefined
endif
ifeq ($(SAN),1)
BASEFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDSAN     := -fsanitize=address,undefined
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Debian 12 packages to build, test and run; `make deps` installs what is missing.
DEB_PKGS := build-essential pkg-config clang libclang-rt-14-dev \
	libxml2-dev libnl-3-dev libnl-route-3-dev libmnl-dev libnftnl-dev libjson-c-dev check \
	dnsmasq-base iproute2 nftables busybox-static procps util-linux \
	qemu-system-x86 linux-image-amd64 xz-utils cpio openvswitch-switch iptables ovn-central ovn-host ethtool \
	libvirt-daemon-driver-qemu libvirt-clients
# what `make bench` adds: libvirt's network driver to compare against (run only
# inside the bench's own namespaces; libvirt-daemon ships no service) and iperf3
BENCH_PKGS := libvirt-daemon iperf3 iputils-ping

pc = $(shell pkg-config --cflags $(1) 2>/dev/null)
pl = $(shell pkg-config --libs $(1) 2>/dev/null)

XML_PC    := libxml-2.0
FW_PC     := libmnl libnftnl
TAPDEV_PC := libnl-3.0 libnl-route-3.0 libmnl
NETD_PC   := json-c $(XML_PC) $(FW_PC) $(TAPDEV_PC)

COMMON_SRCS := common/nd-err.c common/nd-buf.c common/nd-file.c common/nd-hash.c common/nd-xdr.c
XML_SRCS    := xml/netdef.c xml/netdef-addr.c xml/netdef-random-sys.c xml/netdef-parse.c \
	xml/netdef-parse-util.c xml/netdef-parse-ip.c xml/netdef-parse-dns.c \
	xml/netdef-parse-port.c xml/netdef-format.c xml/netdef-validate.c \
	xml/netdef-update.c xml/netdef-networkport.c xml/netdef-parse-ovn.c xml/netdef-validate-ovn.c
FW_SRCS     := firewall/fw-expr.c firewall/fw-batch.c firewall/fw-build.c firewall/fw-rules.c \
	firewall/fw-apply.c firewall/fw-inspect.c firewall/fw-coexist.c firewall/fw-socket.c
TAPDEV_SRCS := tapdev/tapdev-argv.c tapdev/tapdev-nlerr.c tapdev/tapdev-names.c tapdev/tapdev-rtnl-build.c tapdev/tapdev-link-sys.c \
	tapdev/tapdev-addr-sys.c tapdev/tapdev-tun.c tapdev/tapdev-tun-sys.c tapdev/tapdev-port-sys.c \
	tapdev/tapdev-fdpass.c tapdev/tapdev-launch.c tapdev/tapdev-ovs.c tapdev/tapdev-ovs-sys.c \
	tapdev/tapdev-accel-sys.c tapdev/tapdev-qos-build.c tapdev/tapdev-qos-sys.c
DHCP_SRCS   := dhcp/dhcp-conf.c dhcp/dhcp-values.c dhcp/dhcp-leases.c dhcp/dhcp-proc-sys.c dhcp/dhcp-ports.c
# netd/: each program has its own room; netd/lib/ is what they share
NETDLIB_SRCS := netd/lib/netd-proto.c netd/lib/netd-client.c netd/lib/netd-listeners.c netd/lib/netd-portxml.c
NETD_SRCS   := netd/daemon/netd.c $(DAEMON_SRCS)
# the daemon without its main: the netd binary and the unit tests link it
DAEMON_SRCS := netd/daemon/netd-log.c netd/daemon/netd-paths.c \
	netd/daemon/netd-registry.c netd/daemon/netd-driver.c netd/daemon/netd-host-apply.c \
	netd/daemon/netd-sysctl.c \
	netd/daemon/netd-dnsmasq.c netd/daemon/netd-dnsmasq-log.c netd/daemon/netd-control.c netd/daemon/netd-methods.c \
	netd/daemon/netd-rpc.c netd/daemon/netd-ports.c netd/daemon/netd-ovs.c \
	netd/daemon/netd-request.c netd/daemon/netd-portcheck.c netd/daemon/netd-coexist.c \
	netd/daemon/netd-resolv.c netd/daemon/netd-jobs.c netd/daemon/netd-virt.c netd/daemon/netd-virt-procs.c netd/daemon/netd-virt-errors.c netd/daemon/netd-ovn-nb.c netd/daemon/netd-ovn.c
NETDCTL_SRCS := netd/client/netdctl.c netd/client/netdctl-args.c netd/client/netdctl-domif.c netd/client/netd-doctor.c netd/client/netd-doctor-legacy.c
LAUNCH_SRCS := netd/launch/netd-launch.c

UNIT_SRCS := tests/unit/check-unit.c tests/unit/test-netdef-corpus.c \
	tests/unit/test-netdef-validate.c tests/unit/test-netdef-badinput.c \
	tests/unit/test-common.c tests/unit/test-netdef-update.c tests/unit/test-fw-build.c \
	tests/unit/test-dhcp.c tests/unit/test-tapdev-build.c tests/unit/test-tapdev-launch.c \
	tests/unit/test-tapdev-ovs.c tests/unit/test-util.c tests/unit/test-netd-driver.c \
	tests/unit/test-netd-proto.c tests/unit/test-libvirt-suite.c tests/unit/test-netdctl-args.c tests/unit/test-netdctl-domif.c tests/unit/test-netd-ovn.c netd/client/netdctl-args.c netd/client/netdctl-domif.c

objs = $(patsubst %.c,$(BUILD)/%.o,$(1))

COMMON_A := $(BUILD)/libnd-common.a
XML_A    := $(BUILD)/libnd-xml.a
FW_A     := $(BUILD)/libnd-firewall.a
TAPDEV_A := $(BUILD)/libnd-tapdev.a
DHCP_A   := $(BUILD)/libnd-dhcp.a
NETDLIB_A := $(BUILD)/libnd-netdlib.a
DAEMON_A := $(BUILD)/libnd-daemon.a
BINS     := $(BUILD)/bin/netd $(BUILD)/bin/netdctl $(BUILD)/bin/netd-launch
UNIT_BIN := $(BUILD)/check-unit

CORPUS_DIR ?= $(abspath $(CURDIR)/../shared/corpus)
# libvirt 9.0.0's network tests (tests/unit/test-libvirt-suite.c): ../shared's copy, else what
# make libvirt-suite fetched into build/
LIBVIRT_SUITE ?= $(if $(wildcard $(CURDIR)/../shared/libvirt-9.0.0),$(abspath $(CURDIR)/../shared/libvirt-9.0.0),$(abspath $(BUILD)/libvirt-9.0.0))
LIBVIRT_ORIG_URL := https://deb.debian.org/debian/pool/main/libv/libvirt/libvirt_9.0.0.orig.tar.xz
LIBVIRT_ORIG_SHA256 := deca5cff1b7baac297bca9663907c61f71a47183371dc7ac019c107806d5435a

all: $(BUILD)/.deps-ok $(BINS)

# -- dependencies ---------------------------------------------------------
deps bench-deps: PKGS = $(DEB_PKGS)
bench-deps: PKGS += $(BENCH_PKGS)
deps bench-deps:
	@missing=$$(for p in $(PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "deps: need root to apt-get install" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing; \
	else echo "deps: all packages present"; fi

$(BUILD)/.deps-ok: Makefile
	$(Q)mkdir -p $(BUILD)
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)touch $@

# -- compile ----------------------------------------------------------------
$(BUILD)/common/%.o: PKGS :=
$(BUILD)/xml/%.o: PKGS := $(XML_PC)
$(BUILD)/firewall/%.o: PKGS := $(XML_PC) $(FW_PC)
$(BUILD)/tapdev/%.o: PKGS := $(XML_PC) $(TAPDEV_PC)
$(BUILD)/dhcp/%.o: PKGS := $(XML_PC)
$(BUILD)/netd/%.o: PKGS := $(NETD_PC)
$(BUILD)/tests/%.o: PKGS := $(NETD_PC) check
$(BUILD)/tests/fuzz/%.o: PKGS := $(NETD_PC)

$(BUILD)/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASEFLAGS) $(call pc,$(PKGS)) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(COMMON_A): $(call objs,$(COMMON_SRCS))
$(XML_A): $(call objs,$(XML_SRCS))
$(FW_A): $(call objs,$(FW_SRCS))
$(TAPDEV_A): $(call objs,$(TAPDEV_SRCS))
$(DHCP_A): $(call objs,$(DHCP_SRCS))
$(NETDLIB_A): $(call objs,$(NETDLIB_SRCS))
$(DAEMON_A): $(call objs,$(DAEMON_SRCS))
$(BUILD)/%.a:
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/bin/netd: $(call objs,netd/daemon/netd.c) $(DAEMON_A) $(NETDLIB_A) $(FW_A) $(DHCP_A) $(TAPDEV_A) $(XML_A) $(COMMON_A)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,$(NETD_PC))

$(BUILD)/bin/netd-launch: $(call objs,$(LAUNCH_SRCS)) $(NETDLIB_A) $(DHCP_A) $(TAPDEV_A) $(XML_A) $(COMMON_A)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,$(NETD_PC))

$(BUILD)/bin/netdctl: $(call objs,$(NETDCTL_SRCS)) $(NETDLIB_A) $(FW_A) $(DHCP_A) $(TAPDEV_A) $(XML_A) $(COMMON_A)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,$(NETD_PC))

$(BUILD)/bin/nd-rawsend: $(call objs,tests/tools/nd-rawsend.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^

$(BUILD)/bin/nd-call: $(call objs,tests/tools/nd-call.c) $(NETDLIB_A) $(COMMON_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,json-c)

$(BUILD)/bin/nd-txcsum: $(call objs,tests/tools/nd-txcsum.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^

$(BUILD)/bin/nd-virtjunk: $(call objs,tests/tools/nd-virtjunk.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^

$(BUILD)/bin/nd-streamsink: $(call objs,tests/tools/nd-streamsink.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^

$(BUILD)/bin/nd-dnsq: $(call objs,tests/tools/nd-dnsq.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^

$(BUILD)/bin/nd-vlansniff: $(call objs,tests/tools/nd-vlansniff.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^

$(BUILD)/bin/nd-portbench: $(call objs,tests/tools/nd-portbench.c) $(NETDLIB_A) $(DHCP_A) $(TAPDEV_A) $(XML_A) $(COMMON_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,$(NETD_PC))

$(UNIT_BIN): $(call objs,$(UNIT_SRCS)) $(DAEMON_A) $(NETDLIB_A) $(FW_A) $(DHCP_A) $(TAPDEV_A) $(XML_A) $(COMMON_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,$(NETD_PC) check)

# libvirt 9.0.0's own network tests, from Debian 12's libvirt source (the .orig tarball), checked
libvirt-suite:
	$(Q)mkdir -p $(BUILD)
	$(Q)curl -fsSLo $(BUILD)/libvirt_9.0.0.orig.tar.xz $(LIBVIRT_ORIG_URL)
	$(Q)echo "$(LIBVIRT_ORIG_SHA256)  $(BUILD)/libvirt_9.0.0.orig.tar.xz" | sha256sum -c --quiet
	$(Q)rm -rf $(BUILD)/libvirt-9.0.0 && mkdir -p $(BUILD)/libvirt-9.0.0/schemas
	$(Q)tar -xJf $(BUILD)/libvirt_9.0.0.orig.tar.xz -C $(BUILD) --strip-components=1 --one-top-level=libvirt-src \
		libvirt-9.0.0/tests/networkxml2confdata libvirt-9.0.0/tests/networkxml2xmlin \
		libvirt-9.0.0/tests/networkxml2xmlout libvirt-9.0.0/tests/networkxml2xmlupdatein \
		libvirt-9.0.0/tests/networkxml2xmlupdateout libvirt-9.0.0/tests/networkxml2firewalldata \
		libvirt-9.0.0/tests/networkxml2xmltest.c libvirt-9.0.0/tests/networkxml2conftest.c \
		libvirt-9.0.0/tests/networkxml2xmlupdatetest.c libvirt-9.0.0/tests/networkxml2firewalltest.c \
		libvirt-9.0.0/src/conf/schemas
	$(Q)cp -r $(BUILD)/libvirt-src/tests/* $(BUILD)/libvirt-9.0.0/
	$(Q)cp $(BUILD)/libvirt-src/src/conf/schemas/network.rng $(BUILD)/libvirt-src/src/conf/schemas/networkcommon.rng \
		$(BUILD)/libvirt-src/src/conf/schemas/basictypes.rng $(BUILD)/libvirt-src/src/conf/schemas/networkport.rng \
		$(BUILD)/libvirt-9.0.0/schemas/
	$(Q)rm -rf $(BUILD)/libvirt-src
	@echo "libvirt-suite: $(abspath $(BUILD)/libvirt-9.0.0) (make check uses it when ../shared has none)"

# -- tests ------------------------------------------------------------------
# libvirt's split QEMU daemon for itest-libvirt-qemu (tests/libvirt/build-virtqemud.sh says why and how)
VIRTQEMUD_CACHE ?= $(HOME)/.cache/netd/virtqemud
virtqemud:
	$(Q)bash tests/libvirt/build-virtqemud.sh $(VIRTQEMUD_CACHE) $(LIBVIRT_ORIG_URL) $(LIBVIRT_ORIG_SHA256) \
		$(abspath $(BUILD)/virtqemud)

check: check-unit check-unit-san check-headers check-layering check-fuzz check-integration check-ovn check-kernel

check-unit: $(UNIT_BIN) $(BINS)
	@echo "== unit tests ($(BUILD))"
	$(Q)NETD_CORPUS_DIR=$(CORPUS_DIR) NETD_LIBVIRT_SUITE=$(LIBVIRT_SUITE) NETD_BUILD_DIR=$(abspath $(BUILD)) $(UNIT_BIN)

# the test guest: Debian's kernel (as a PVH vmlinux) and busybox, cached
guest: $(BUILD)/guest/stamp
$(BUILD)/guest/stamp: tests/guest/build-guest.sh tests/lib/kernel-image.sh | $(BUILD)/.deps-ok
	$(Q)bash tests/guest/build-guest.sh $(BUILD)/guest

check-integration: $(BINS) $(BUILD)/bin/nd-call $(BUILD)/bin/nd-rawsend $(BUILD)/bin/nd-dnsq $(BUILD)/bin/nd-streamsink $(BUILD)/bin/nd-virtjunk $(BUILD)/bin/nd-txcsum $(BUILD)/bin/nd-vlansniff $(BUILD)/guest/stamp
	@echo "== integration tests (root, each in its own PID and network namespaces)"
	$(Q)$(MAKE) --no-print-directory virtqemud || [ "$${CI:-}" != true ]
	$(Q)t0=$$(date +%s); BIN=$(abspath $(BUILD)/bin) NETD_GUEST_DIR=$(abspath $(BUILD)/guest) \
		VIRTQEMUD_DIR=$(abspath $(BUILD)/virtqemud) bash tests/integration/run.sh; \
		rc=$$?; echo "integration lane took $$(( $$(date +%s) - t0 )) s"; exit $$rc

# the production-kernel lane: Debian's own kernel under QEMU TCG, the host's
# root filesystem shared read-only, tests/kernel/ktest-*.sh inside (issue 18)
kvm: $(BUILD)/kvm/stamp
$(BUILD)/kvm/stamp: tests/kernel/build-vm.sh tests/lib/kernel-image.sh | $(BUILD)/.deps-ok
	$(Q)bash tests/kernel/build-vm.sh $(BUILD)/kvm
check-kernel: $(BINS) $(BUILD)/bin/nd-call $(BUILD)/kvm/stamp
	@echo "== kernel lane (Debian's kernel in a TCG VM: 8021q, vlan_filtering, openvswitch, vhost_net, tc)"
	$(Q)$(MAKE) --no-print-directory virtqemud || [ "$${CI:-}" != true ]
	$(Q)t0=$$(date +%s); BIN=$(abspath $(BUILD)/bin) bash tests/kernel/run-vm.sh $(abspath $(BUILD)/kvm) tests/kernel/lane.sh; \
		rc=$$?; echo "kernel lane took $$(( $$(date +%s) - t0 )) s"; exit $$rc

# one OVN network across two hosts (namespaces: a central, hosts A and B, an uplink), netd on each host
check-ovn: $(BINS) $(BUILD)/bin/nd-dnsq $(BUILD)/guest/stamp
	@echo "== OVN lab (central NB/SB/northd, two hosts with OVS userspace datapath + ovn-controller + netd)"
	$(Q)t0=$$(date +%s); BIN=$(abspath $(BUILD)/bin) NETD_GUEST_DIR=$(abspath $(BUILD)/guest) bash tests/ovn/run.sh; \
		rc=$$?; echo "OVN lab took $$(( $$(date +%s) - t0 )) s"; exit $$rc

check-unit-san: | $(BUILD)/.deps-ok
	@echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/san SAN=1 CC=clang check-unit

check-headers: | $(BUILD)/.deps-ok
	@echo "== every header compiles on its own"
	$(Q)fail=0; for h in $$(git ls-files '*.h' 2>/dev/null || find . -name '*.h'); do \
		echo "#include \"$$h\"" | $(CC) $(BASEFLAGS) $(call pc,$(NETD_PC) check) \
			-fsyntax-only -x c - || { echo "header does not compile alone: $$h"; fail=1; }; \
	done; exit $$fail

# xml <- firewall/dhcp/tapdev <- netd; common/ at the bottom
check-layering:
	@echo "== layering: includes point one way"
	$(Q)fail=0; \
	bad() { echo "layering: $$1"; fail=1; }; \
	for f in $$(ls xml/*.[ch] common/*.[ch] 2>/dev/null); do \
		grep -Eq '#include [<"](linux/|netlink/|libmnl/|libnftnl/|json-c/|(firewall|dhcp|tapdev|netd)/)' $$f && bad "$$f includes beyond libxml2/common"; \
	done; \
	grep -q '#include <libxml' xml/netdef.h && bad "xml/netdef.h exposes libxml2"; \
	for f in $$(ls netd/client/*.[ch] netd/launch/*.[ch] netd/lib/*.[ch] 2>/dev/null); do \
		grep -q '#include "netd/daemon/' $$f && bad "$$f includes the daemon's code"; \
		case $$f in netd/lib/*) grep -Eq '#include "netd/(client|launch)/' $$f && bad "$$f includes a program's code";; esac; \
	done; \
	for m in firewall dhcp tapdev; do for f in $$(ls $$m/*.[ch] 2>/dev/null); do \
		for o in firewall dhcp tapdev netd; do [ $$o = $$m ] && continue; \
			grep -q "#include \"$$o/" $$f && bad "$$f includes $$o/"; done; \
	done; done; \
	for f in $$(ls common/*.[ch] xml/*.[ch] firewall/*.[ch] dhcp/*.[ch] tapdev/*.[ch] 2>/dev/null); do \
		grep -Eq '\b(syslog|fprintf\(stderr)' $$f && bad "$$f logs (only netd/ logs)"; \
	done; \
	exit $$fail

# -- fuzzing (clang libFuzzer + ASan + UBSan) ----------------------------------------
FUZZ_TARGETS := netdef request leases dnsmasq-values
FUZZ_SECONDS ?= 60
$(BUILD)/bin/fuzz-netdef: $(call objs,tests/fuzz/fuzz-netdef.c) $(XML_A) $(COMMON_A)
$(BUILD)/bin/fuzz-request: $(call objs,tests/fuzz/fuzz-request.c netd/daemon/netd-request.c) $(NETDLIB_A) $(COMMON_A)
$(BUILD)/bin/fuzz-leases: $(call objs,tests/fuzz/fuzz-leases.c) $(DHCP_A) $(XML_A) $(COMMON_A)
$(BUILD)/bin/fuzz-dnsmasq-values: $(call objs,tests/fuzz/fuzz-dnsmasq-values.c) $(DHCP_A) $(XML_A) $(COMMON_A)
$(BUILD)/bin/fuzz-%:
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,$(NETD_PC))

fuzz-build: $(addprefix $(BUILD)/bin/fuzz-,$(FUZZ_TARGETS))
fuzz: | $(BUILD)/.deps-ok
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz SAN=fuzz CC=clang fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) NETD_CORPUS_DIR=$(CORPUS_DIR) bash tests/fuzz/run-fuzz.sh $(abspath $(BUILD)/fuzz/bin)
# the short pass make check runs
check-fuzz:
	@echo "== fuzzing, short pass (make fuzz runs FUZZ_SECONDS=60 each)"
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(or $(CHECK_FUZZ_SECONDS),5)

# -- benchmarks (numbers, never pass/fail timing) ------------------------------------
$(BUILD)/bin/nd-tapfloor: $(call objs,tests/tools/nd-tapfloor.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(call pl,libmnl)

BENCH_TOOLS := $(BUILD)/bin/nd-portbench $(BUILD)/bin/nd-tapfloor
bench: bench-deps $(BINS) $(BENCH_TOOLS) $(BUILD)/guest/stamp
	$(Q)$(MAKE) --no-print-directory virtqemud || echo "bench: no virtqemud: the domain part is skipped"
	$(Q)BIN=$(abspath $(BUILD)/bin) NETD_GUEST_DIR=$(abspath $(BUILD)/guest) \
		VIRTQEMUD_DIR=$(abspath $(BUILD)/virtqemud) \
		BENCH_OUT=$(abspath $(BUILD)/bench) bash tests/bench/bench.sh

# -- demo ------------------------------------------------------------------------
demo: all $(BUILD)/guest/stamp
	$(Q)BIN=$(abspath $(BUILD)/bin) NETD_GUEST_DIR=$(abspath $(BUILD)/guest) bash tests/demo/demo.sh

# -- install -------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(COMPLETIONDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/netd
	install -m 0755 $(BUILD)/bin/netd $(DESTDIR)$(SBINDIR)/netd
	install -m 0755 $(BUILD)/bin/netdctl $(DESTDIR)$(BINDIR)/netdctl
	install -m 0755 $(BUILD)/bin/netd-launch $(DESTDIR)$(BINDIR)/netd-launch
	sed 's|^ExecStart=/usr/sbin/netd|ExecStart=$(SBINDIR)/netd|' netd/daemon/netd.service >$(DESTDIR)$(UNITDIR)/netd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/netd.service
	install -m 0644 netd/daemon/netd.socket $(DESTDIR)$(UNITDIR)/netd.socket
	install -m 0644 netd/client/netdctl.bash-completion $(DESTDIR)$(COMPLETIONDIR)/netdctl
	install -m 0644 docs/man/netd.8 $(DESTDIR)$(MANDIR)/man8/netd.8
	install -m 0644 docs/man/netdctl.1 docs/man/netd-launch.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/man/netd-network.5 $(DESTDIR)$(MANDIR)/man5/netd-network.5
	@# the options file is the admin's once it exists: never overwritten
	@[ -e $(DESTDIR)$(SYSCONFDIR)/netd/netd.conf ] || install -m 0644 netd/daemon/netd.conf $(DESTDIR)$(SYSCONFDIR)/netd/netd.conf
	@# dnsmasq's own user, as distributions have for libvirt's dnsmasq (only on a real install)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && ! getent passwd netd-dnsmasq >/dev/null; then \
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin --comment "netd dnsmasq" netd-dnsmasq && \
		echo "install: created system user netd-dnsmasq"; fi
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

# what make install put there, but the options file (the admin's) and the user
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/netd $(DESTDIR)$(BINDIR)/netdctl $(DESTDIR)$(BINDIR)/netd-launch \
		$(DESTDIR)$(UNITDIR)/netd.service $(DESTDIR)$(UNITDIR)/netd.socket $(DESTDIR)$(COMPLETIONDIR)/netdctl \
		$(DESTDIR)$(MANDIR)/man8/netd.8 $(DESTDIR)$(MANDIR)/man1/netdctl.1 $(DESTDIR)$(MANDIR)/man1/netd-launch.1 \
		$(DESTDIR)$(MANDIR)/man5/netd-network.5
	@[ ! -e $(DESTDIR)$(SYSCONFDIR)/netd/netd.conf ] || echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/netd/netd.conf kept (yours)"

clean:
	rm -rf $(BUILD)


.PHONY: all deps bench-deps bench demo guest libvirt-suite virtqemud fuzz fuzz-build check-fuzz check check-integration check-unit check-unit-san check-headers check-layering install uninstall clean kvm check-kernel check-ovn
.DELETE_ON_ERROR:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
