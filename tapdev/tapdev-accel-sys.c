/* What the host can run guests with: /dev/kvm and the CPU's vmx/svm flags. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/nd-file.h"
#include "tapdev/tapdev.h"

const char *tapdev_detect_accel(char *ret_reason, size_t len)
{
	char *cpuinfo = NULL;
	const char *accel;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm >= 0)
		close(kvm);
	nd_file_read("/proc/cpuinfo", 4u << 20, &cpuinfo, NULL, NULL);
	accel = tapdev_pick_accel(cpuinfo ? cpuinfo : "", kvm >= 0, ret_reason, len);
	free(cpuinfo);
	return accel;
}
