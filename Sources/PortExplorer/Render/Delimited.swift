/// A result's table as CSV or TSV text.
///
/// CSV follows RFC 4180: every record ends with CRLF, and a field holding a comma, a double
/// quote, CR or LF is put in double quotes with its quotes doubled; line breaks inside a field
/// are kept as they are. TSV (IANA's text/tab-separated-values) allows no tab or line break in
/// a field, so a field's backslash, tab, LF and CR are written `\\`, `\t`, `\n` and `\r`, and
/// each record ends with LF, as Unix tools expect.
enum Delimited {
    static func csv(_ table: ResultTable, header: Bool) -> String {
        render(table, header: header, separator: ",", end: "\r\n", field: csvField)
    }

    static func tsv(_ table: ResultTable, header: Bool) -> String {
        render(table, header: header, separator: "\t", end: "\n", field: tsvField)
    }

    private static func render(
        _ table: ResultTable, header: Bool, separator: String, end: String, field: (String) -> String
    ) -> String {
        var out = ""
        for row in (header ? [table.columns] : []) + table.rows {
            out += row.map(field).joined(separator: separator) + end
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return text
        }
        var out = "\""
        for character in text {
            if character == "\"" { out += "\"\"" } else { out.append(character) }
        }
        return out + "\""
    }

    static func tsvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
