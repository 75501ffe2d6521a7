/* SPDX-License-Identifier: MIT */
#ifndef PR_CAPTURE_CRC32C_H
#define PR_CAPTURE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and
 * final xor 0xFFFFFFFF): the checksum of every .prt record. crc32c("123456789")
 * is 0xE3069283. Pass 0 as `crc` to start; feed the result back to continue.
 */
uint32_t crc32c(uint32_t crc, const void *data, size_t len);

#endif
