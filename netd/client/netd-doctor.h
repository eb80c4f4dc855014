#pragma once
/* netdctl doctor (netd-doctor.c). */
#include <json-c/json.h>
#include <stdbool.h>

/* prints the report; returns 0 when nothing is FAIL. call talks to the daemon (may return NULL). */
int netd_doctor(bool as_json, json_object *(*call)(const char *method, json_object *params, json_object **reply));

/* the legacy (iptables-legacy) filter table: 1 when loaded (its rule count and
 * whether FORWARD's policy is DROP), 0 when not loaded, -errno when unreadable */
int netd_doctor_legacy_forward(int *ret_rules, bool *ret_drop);
