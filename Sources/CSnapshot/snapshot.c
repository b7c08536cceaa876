/* Placeholder until scripts/make-snapshot generates the real snapshot. */
#include "CSnapshot.h"
static const unsigned char bytes[] = "";
const unsigned char *porthole_snapshot_bytes(void) { return bytes; }
size_t porthole_snapshot_size(void) { return 0; }
