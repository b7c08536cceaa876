/// A result's table as CSV or TSV text.
///
/// Fields are text someone else may have written, and CSV and TSV are read on terminals too,
/// so what `Visible` escapes is escaped here too; only JSON carries such text byte for byte.
/// TSV (IANA's text/tab-separated-values) allows no tab or line break in a field: each field is
/// shown as `Visible.text` shows it (a backslash as `\\`, tab, LF and CR as `\t`, `\n`, `\r`),
/// and each record ends with LF, as Unix tools expect. CSV follows RFC 4180: every record ends
/// with CRLF, a field holding a comma, a double quote, CR or LF is put in double quotes with
/// its quotes doubled, and tabs and line breaks inside a field are kept as they are.
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
        let shown = Visible.output(text, colors: false, keeping: csvLayout)
        guard shown.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return shown
        }
        var out = "\""
        for character in shown {
            if character == "\"" { out += "\"\"" } else { out.append(character) }
        }
        return out + "\""
    }

    /// What a CSV field keeps raw: its own layout.
    static let csvLayout: Set<Unicode.Scalar> = ["\t", "\n", "\r"]

    static func tsvField(_ text: String) -> String { Visible.text(text) }
}
