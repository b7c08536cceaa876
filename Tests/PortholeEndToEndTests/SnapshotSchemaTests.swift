import Foundation
import PortholeTestSupport
import Testing

/// `docs/snapshot.schema.json` describes what `snapshot` writes: a real snapshot of this host
/// is checked against it by python's jsonschema when installed, and always by the small
/// checker here (required members, types, `$ref`, `items`, `oneOf`, `const`, `enum`).
@Suite struct SnapshotSchemaTests {
    static let schemaPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("docs/snapshot.schema.json").path
    }()

    static func snapshot(_ home: TemporaryFolder) throws -> (path: String, document: Any) {
        let path = home.file("now.json")
        let run = try Porthole.run(["snapshot", path], home: home.url)
        #expect(run.status == 0, "\(run)")
        let data = try #require(FileManager.default.contents(atPath: path))
        return (path, try JSONSerialization.jsonObject(with: data))
    }

    @Test func aRealSnapshotHasEverythingTheSchemaRequires() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let schema = try #require(
            try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: Self.schemaPath)))
                as? [String: Any])
        let (_, document) = try Self.snapshot(home)
        var problems: [String] = []
        Self.check(document, against: schema, root: schema, path: "$", problems: &problems)
        #expect(problems == [])
        // And a document missing a required member is caught, so the checker checks.
        var damaged = try #require(document as? [String: Any])
        damaged["host"] = ["name": "x"]
        var found: [String] = []
        Self.check(damaged, against: schema, root: schema, path: "$", problems: &found)
        #expect(found.contains("$.host: lacks machineId"))
    }

    @Test(
        .enabled(
            if: (try? TestProcess.run(["/usr/bin/env", "python3", "-c", "import jsonschema"]).status) == 0,
            "python3's jsonschema is not installed"))
    func jsonschemaAcceptsARealSnapshot() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let (path, _) = try Self.snapshot(home)
        let run = try TestProcess.run([
            "/usr/bin/env", "python3", "-c",
            """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
            print("valid")
            """, Self.schemaPath, path,
        ])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "valid\n")
    }

    static func check(
        _ value: Any, against schema: [String: Any], root: [String: Any], path: String, problems: inout [String]
    ) {
        if let ref = schema["$ref"] as? String, ref.hasPrefix("#/$defs/"),
            let target = (root["$defs"] as? [String: Any])?[String(ref.dropFirst(8))] as? [String: Any]
        {
            check(value, against: target, root: root, path: path, problems: &problems)
        }
        if let choices = schema["oneOf"] as? [[String: Any]] {
            let fits = choices.contains { choice in
                var local: [String] = []
                check(value, against: choice, root: root, path: path, problems: &local)
                return local.isEmpty
            }
            if !fits { problems.append("\(path): fits none of oneOf") }
        }
        if let constant = schema["const"] as? String, value as? String != constant {
            problems.append("\(path): is not \(constant)")
        }
        if let allowed = schema["enum"] as? [String], !allowed.contains(value as? String ?? "") {
            problems.append("\(path): is not one of \(allowed)")
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as? String ?? ""]
            if !types.contains(where: { matches(value, $0) }) { problems.append("\(path): is not \(types)") }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): lacks \(key)")
            }
            for (key, sub) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                if let member = object[key] {
                    check(member, against: sub, root: root, path: "\(path).\(key)", problems: &problems)
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, item) in array.enumerated() {
                check(item, against: items, root: root, path: "\(path)[\(i)]", problems: &problems)
            }
        }
    }

    /// JSONSerialization gives true and false as NSNumbers of type `c`, numbers otherwise.
    static func isBoolean(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"
    }

    static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "boolean": return isBoolean(value)
        case "integer", "number":
            guard let n = value as? NSNumber, !isBoolean(value) else { return false }
            return type == "number" || n.doubleValue == n.doubleValue.rounded()
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        default: return false
        }
    }
}
