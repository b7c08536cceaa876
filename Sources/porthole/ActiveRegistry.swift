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

    /// services(5) and nmap-services, when present; an unreadable file counts as absent.
    static func otherMaps() -> OtherMaps {
        var services: [ServiceKey: [String]] = [:]
        for entry in (try? ServicesFiles.loadSystemServices()) ?? [] {
            for transport in entry.transports {
                let key = ServiceKey(port: entry.port, transport: transport)
                services[key, default: []] += [entry.name] + entry.aliases
            }
        }
        let nmapFile = try? NmapServicesFile.loadInstalled()
        let nmap = nmapFile.map { file in
            NmapTable(
                onPort: { port in file.entries(onPort: port).map { ($0.transport, NmapEntry(name: $0.name, frequency: $0.frequency)) } },
                all: {
                    var table: [ServiceKey: NmapEntry] = [:]
                    for entry in (try? file.allEntries()) ?? [] {
                        let key = ServiceKey(port: entry.port, transport: entry.transport)
                        // nmap lists some ports twice; keep the most frequent name.
                        if table[key].map({ $0.frequency < entry.frequency }) ?? true {
                            table[key] = NmapEntry(name: entry.name, frequency: entry.frequency)
                        }
                    }
                    return table
                }
            )
        }
        return OtherMaps(services: services, servicesPath: ServicesFiles.systemServicesPath, nmap: nmap,
                         nmapPath: nmapFile?.path)
    }
}
