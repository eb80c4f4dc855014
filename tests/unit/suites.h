#pragma once
#include <check.h>

Suite *make_common_suite(void);
Suite *make_netdef_corpus_suite(void);
Suite *make_netdef_validate_suite(void);
Suite *make_netdef_badinput_suite(void);
Suite *make_fw_build_suite(void);
Suite *make_dhcp_suite(void);
Suite *make_tapdev_build_suite(void);
Suite *make_netdef_update_suite(void);
Suite *make_tapdev_launch_suite(void);
Suite *make_tapdev_ovs_suite(void);
Suite *make_netd_driver_suite(void);
Suite *make_netd_proto_suite(void);
Suite *make_libvirt_suite(void);
Suite *make_netdctl_args_suite(void);
Suite *make_netdctl_domif_suite(void);
