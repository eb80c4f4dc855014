#pragma once
/* The release every program reports with --version. */
#define ND_VERSION "0.4.0"
