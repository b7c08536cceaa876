#ifndef PORTHOLE_CEDIT_SHIM_H
#define PORTHOLE_CEDIT_SHIM_H
/* Non-variadic wrappers over libedit: Swift cannot call el_set, el_get or history(). */
#include <stdio.h>
#include <histedit.h>
#endif
