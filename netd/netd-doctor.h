#pragma once
/* netdctl doctor (netd-doctor.c). */
#include <json-c/json.h>
#include <stdbool.h>

/* prints the report; returns 0 when nothing is FAIL. call talks to the daemon (may return NULL). */
int netd_doctor(bool as_json, json_object *(*call)(const char *method, json_object *params, json_object **reply));
