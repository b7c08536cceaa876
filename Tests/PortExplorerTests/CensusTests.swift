import Testing

@testable import PortExplorer
@testable import PortRegistry

/// `stats` counts from the fast form without decoding records; its registration counts must
/// be the ghost rules' registrations exactly (`Registration.group`).
@Suite struct CensusTests {
    @Test func registrationsByYearAreTheGhostRulesRegistrations() throws {
        let registry = try Registry.embedded()
        let census = registry.census()
        var byYear: [Int: Int] = [:]
        var undated = 0
        for registration in Registration.group(registry.allRecords()) {
            if let year = registration.registered?.year { byYear[year, default: 0] += 1 } else { undated += 1 }
        }
        #expect(census.registrationsByYear == byYear)
        #expect(census.registrationsUndated == undated)
        #expect(census.records == registry.allRecords().count)
    }
}
