import GatewayModel

/// Renders a server-side `Table` the way kubectl prints it: upper-case headers, columns padded
/// to three spaces apart, priority > 0 columns only in wide mode, a NAMESPACE column first
/// when listing across namespaces.
public enum TableRenderer {
    /// The rendered text (ending in a newline), or a "No resources found" line.
    public static func render(_ table: JSONValue, wide: Bool, withNamespace: Bool, namespace: String?) -> String {
        let definitions = table["columnDefinitions"]?.arrayValue ?? []
        let rows = table["rows"]?.arrayValue ?? []
        if rows.isEmpty {
            if let namespace, !withNamespace { return "No resources found in \(namespace) namespace.\n" }
            return "No resources found\n"
        }
        let visible = definitions.indices.filter { wide || (definitions[$0]["priority"]?.integerValue ?? 0) == 0 }
        var header = visible.map { (definitions[$0]["name"]?.stringValue ?? "").uppercased() }
        var lines: [[String]] = rows.map { row in
            let cells = row["cells"]?.arrayValue ?? []
            return visible.map { position in position < cells.count ? cellText(cells[position]) : "" }
        }
        if withNamespace {
            header.insert("NAMESPACE", at: 0)
            for (position, row) in rows.enumerated() {
                lines[position].insert(row[path: ["object", "metadata", "namespace"]]?.stringValue ?? "", at: 0)
            }
        }
        return columns([header] + lines)
    }

    /// Pads columns to a common width, three spaces apart, without trailing spaces.
    public static func columns(_ rows: [[String]]) -> String {
        let count = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: count)
        for row in rows {
            for (position, cell) in row.enumerated() { widths[position] = max(widths[position], cell.count) }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (position, cell) in row.enumerated() {
                line += cell
                if position < row.count - 1 { line += String(repeating: " ", count: widths[position] - cell.count + 3) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    private static func cellText(_ cell: JSONValue) -> String {
        switch cell {
        case .string(let text): return text.isEmpty ? "" : text
        case .null: return "<none>"
        default: return JSONSerializer.string(cell)
        }
    }
}
