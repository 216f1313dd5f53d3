/* presence.c - placeholder until written */
#include "kchat.h"
