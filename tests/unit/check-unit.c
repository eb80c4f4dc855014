/* Runs every unit suite (no root needed). Exit 0 only when all pass. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/unit/suites.h"

int main(void)
{
	SRunner *sr = srunner_create(make_common_suite());
	int failed;

	/* libvirt's test corpus lives beside the repository (../shared in CI), not in
	 * it: a user's clone without it skips those two suites, saying so once; CI
	 * (CI=true) must have it */
	const char *corpus = getenv("NETD_CORPUS_DIR") && *getenv("NETD_CORPUS_DIR") ? getenv("NETD_CORPUS_DIR")
										  : "../shared/corpus";
	struct stat st;
	bool have_corpus = stat(corpus, &st) == 0 && S_ISDIR(st.st_mode);
	const char *ci = getenv("CI");

	if (have_corpus || (ci && strcmp(ci, "true") == 0)) {
		srunner_add_suite(sr, make_netdef_corpus_suite());
		srunner_add_suite(sr, make_netdef_badinput_suite());
	} else {
		printf("SKIP: libvirt's network test corpus is not at %s (set NETD_CORPUS_DIR=DIR to run its 2 suites)\n",
		       corpus);
	}
	srunner_add_suite(sr, make_netdef_validate_suite());
	srunner_add_suite(sr, make_netdef_update_suite());
	srunner_add_suite(sr, make_fw_build_suite());
	srunner_add_suite(sr, make_dhcp_suite());
	srunner_add_suite(sr, make_tapdev_build_suite());
	srunner_add_suite(sr, make_tapdev_launch_suite());
	srunner_add_suite(sr, make_tapdev_ovs_suite());
	srunner_add_suite(sr, make_netd_driver_suite());
	srunner_add_suite(sr, make_netd_proto_suite());
	srunner_add_suite(sr, make_libvirt_suite());
	srunner_add_suite(sr, make_netdctl_args_suite());
	srunner_add_suite(sr, make_netdctl_domif_suite());
	srunner_add_suite(sr, make_netd_ovn_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
