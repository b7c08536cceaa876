#ifndef PORTHOLE_CFUZZDRIVER_H
#define PORTHOLE_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver (LLVMFuzzerRunDriver, in the toolchain's libclang_rt.fuzzer)
/// with this process's arguments and the given test function; returns its exit status.
///
/// Why not libFuzzer's own main(): SwiftPM links every executable target with
/// `--defsym main=<module>_main` (its testable-executable renaming), so libFuzzer's main is
/// never used; each fuzzer's main.swift calls this instead.
int porthole_fuzz_main(int argc, char **argv, int (*test_one)(const uint8_t *data, size_t size));

#endif
