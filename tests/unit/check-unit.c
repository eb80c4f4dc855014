/* Runs every unit suite (no root needed). Exit 0 only when all pass. */
#include <stdlib.h>

#include "tests/unit/suites.h"

int main(void)
{
	SRunner *sr = srunner_create(make_common_suite());
	int failed;

	srunner_add_suite(sr, make_netdef_corpus_suite());
	srunner_add_suite(sr, make_netdef_validate_suite());
	srunner_add_suite(sr, make_netdef_badinput_suite());
	srunner_add_suite(sr, make_netdef_update_suite());
	srunner_add_suite(sr, make_fw_build_suite());
	srunner_add_suite(sr, make_dhcp_suite());
	srunner_add_suite(sr, make_tapdev_build_suite());
	srunner_add_suite(sr, make_tapdev_launch_suite());
	srunner_add_suite(sr, make_tapdev_ovs_suite());
	srunner_add_suite(sr, make_netd_driver_suite());
	srunner_add_suite(sr, make_netd_proto_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
