/* SPDX-License-Identifier: MIT */
#ifndef PR_COMMANDS_H
#define PR_COMMANDS_H

/*
 * Every subcommand, one per `<stage>/cmd_<name>.c`. To add one:
 *  1. write <stage>/cmd_<name>.c defining `const struct pr_command cmd_<name>`
 *     whose run() parses options with getopt_long("+...") and returns an
 *     exit code (common/cli.h); it prints, its stage library does not;
 *  2. declare it below;
 *  3. add it to the table in main.c, in the order `pagereplay --help` lists;
 *  4. test every error path (exit code and message) in tests/test_cli_*.c.
 */

#include "common/cli.h"

extern const struct pr_command cmd_capture;
extern const struct pr_command cmd_import;
extern const struct pr_command cmd_info;
extern const struct pr_command cmd_dump;
extern const struct pr_command cmd_replay;
extern const struct pr_command cmd_synth;
extern const struct pr_command cmd_report;
extern const struct pr_command cmd_query;
extern const struct pr_command cmd_compare;
extern const struct pr_command cmd_merge;

#endif
