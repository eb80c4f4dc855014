#pragma once
/* Helpers shared by unit tests. */

/* argv joined with single spaces, in a static buffer (valid until the next call) */
const char *argv_joined(char *const *argv);
