#pragma once
#include <check.h>

Suite *make_common_suite(void);
Suite *make_netdef_corpus_suite(void);
Suite *make_netdef_validate_suite(void);
Suite *make_netdef_badinput_suite(void);
