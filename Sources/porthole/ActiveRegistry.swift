import PortExplorer
import PortRegistry

/// Wires the language to the map: which registry answers, and this host's other maps.
enum ActiveRegistry {
    /// `--registry` > `PORTHOLE_REGISTRY` > the user's updated copy > the embedded snapshot.
    static func load(flagPath: String?, environment: [String: String]) throws(CommandError) -> LoadedRegistry {
        do {
            let (registry, warnings) = try RegistryLocator.active(flagPath: flagPath, environment: environment)
            return LoadedRegistry(registry: registry, warnings: warnings)
        } catch {
            throw CommandError("cannot use the registry: \(error)")
        }
    }

    /// services(5) and nmap-services, when present; an unreadable file counts as absent, and
    /// a line that does not parse is passed over. Both are searched port by port until a
    /// command asks about many ports, and both ways see the same entries.
    static func otherMaps() -> OtherMaps {
        let servicesFile = (try? ServicesFile.loadSystem()) ?? nil
        let services = servicesFile.map { file in
            ServicesTable(
                onPort: { port in file.entries(onPort: port).flatMap(names) },
                all: {
                    file.readableEntries().flatMap { entry in
                        names(entry).map { (ServiceKey(port: entry.port, transport: $0.0), $0.1) }
                    }
                },
                combine: +
            )
        }
        let nmapFile = try? NmapServicesFile.loadInstalled()
        let nmap = nmapFile.map { file in
            NmapTable(
                onPort: { port in file.entries(onPort: port).map { ($0.transport, nmapEntry($0)) } },
                all: { file.readableEntries().map { (ServiceKey(port: $0.port, transport: $0.transport), nmapEntry($0)) } },
                combine: NmapTable.moreFrequent
            )
        }
        return OtherMaps(services: services, servicesPath: ServicesFiles.systemServicesPath, nmap: nmap,
                         nmapPath: nmapFile?.path)
    }

    private static func nmapEntry(_ entry: NmapServiceEntry) -> NmapEntry {
        NmapEntry(name: entry.name, frequency: entry.frequency)
    }

    /// One services(5) line's names (official first, then aliases) on each of its transports.
    private static func names(_ entry: ServicesEntry) -> [(Transport, [String])] {
        entry.transports.map { ($0, [entry.name] + entry.aliases) }
    }
}
