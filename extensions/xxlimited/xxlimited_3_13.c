/* xxlimited_3_13 for isles: the xxlimited module as CPython 3.13 had it,
 * which CPython 3.15 ships under this name next to its reworked xxlimited.
 * The same source as xxlimited.c, frozen at the 3.13 behaviour; it loads on
 * every CPython (CPython itself has the module from 3.15 on). */
#define XX_FROZEN_3_13 1
#include "xxlimited.c"
