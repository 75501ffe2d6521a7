/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes given to the .prt reader must give events or a clean
 * error, never a crash, hang or leak. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/prt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("prt", 0);
	char path[64];
	struct prt_reader *r;
	struct prt_event ev;
	struct pr_error err;
	uint64_t n = 0;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = prt_reader_open(path, &err);
	if (r) {
		while (prt_reader_next(r, &ev, &err) > 0 && n < 10000000)
			n++;
		prt_reader_close(r);
	}
	close(fd);
	return 0;
}
