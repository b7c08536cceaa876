#ifndef PORTHOLE_CSNAPSHOT_H
#define PORTHOLE_CSNAPSHOT_H
#include <stddef.h>
/* The registry snapshot compiled into the binary (see scripts/make-snapshot). */
const unsigned char *porthole_snapshot_bytes(void);
size_t porthole_snapshot_size(void);
#endif
