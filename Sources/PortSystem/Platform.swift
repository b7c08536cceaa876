// The package's one platform import: every module that `import PortSystem` reaches the C
// library through this chain, so a new C library (Musl, say) has one place to satisfy.
#if canImport(Glibc)
    @_exported import Glibc
#elseif canImport(Musl)
    @_exported import Musl
#elseif canImport(Darwin)
    @_exported import Darwin
#endif
