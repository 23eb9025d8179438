import GatewayModel

/// Small helpers for server-rendered HTML: every text that came from an object goes through
/// `escape` (names, messages and YAML are user input).
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A link to a console page (the path's segments escaped).
    static func link(_ text: String, to path: String) -> String {
        "<a href=\"\(escape(path))\">\(escape(text))</a>"
    }

    /// A section with a heading (`id` for the in-page table of contents).
    static func section(_ title: String, id: String, _ body: String) -> String {
        "<section aria-labelledby=\"\(id)\"><h2 id=\"\(id)\">\(escape(title))</h2>\(body)</section>"
    }

    /// A table with a caption (visually hidden when `captionHidden`), header cells with scope,
    /// and rows of already-rendered cells; `empty` when there are no rows.
    static func table(caption: String, headers: [String], rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(escape(empty))</p>" }
        var html = "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">\(escape(caption))</caption><thead><tr>"
        for header in headers { html += "<th scope=\"col\">\(escape(header))</th>" }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for (position, cell) in row.enumerated() {
                html += position == 0 ? "<th scope=\"row\">\(cell)</th>" : "<td data-label=\"\(escape(headers[safe: position] ?? ""))\">\(cell)</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// A status badge: the text says it all (colour only repeats it).
    static func badge(_ text: String, tone: Tone) -> String {
        "<span class=\"badge \(tone.rawValue)\">\(escape(text))</span>"
    }

    /// A badge's colour.
    enum Tone: String {
        case good, bad, warn, neutral
    }

    /// The badge for a condition: `Type` with a good/bad tone by its status and polarity.
    static func condition(_ condition: JSONValue) -> String {
        let type = condition["type"]?.stringValue ?? "?"
        let status = condition["status"]?.stringValue ?? "Unknown"
        let tone: Tone
        if status == "Unknown" {
            tone = .warn
        } else {
            tone = (status == "True") != Problems.negativeConditions.contains(type) ? .good : .bad
        }
        let label = status == "True" ? type : "\(type)=\(status)"
        let reason = condition["reason"]?.stringValue ?? ""
        let message = condition["message"]?.stringValue ?? ""
        return "<span class=\"badge \(tone.rawValue)\" title=\"\(escape(reason + (message.isEmpty ? "" : ": " + message)))\">\(escape(label))</span>"
    }

    /// Condition badges in a row.
    static func conditions(_ conditions: [JSONValue]) -> String {
        conditions.isEmpty ? "<span class=\"muted\">none yet</span>" : conditions.map(condition).joined(separator: " ")
    }

    /// A table of conditions with reason and message (the detail pages).
    static func conditionTable(_ conditions: [JSONValue], caption: String) -> String {
        table(caption: caption, headers: ["Type", "Status", "Reason", "Message"],
              rows: conditions.map { condition in
                  [escape(condition["type"]?.stringValue ?? ""), Self.condition(condition),
                   escape(condition["reason"]?.stringValue ?? ""),
                   "<span class=\"long\">\(escape(condition["message"]?.stringValue ?? ""))</span>"]
              }, empty: "No conditions reported yet.")
    }

    /// A read-only YAML block with a label.
    static func yaml(_ text: String, label: String) -> String {
        "<details><summary>\(escape(label))</summary><pre class=\"yaml\" tabindex=\"0\" aria-label=\"\(escape(label))\"><code>\(escape(text))</code></pre></details>"
    }

    /// A description list of (term, already-rendered description).
    static func facts(_ items: [(String, String)]) -> String {
        "<dl class=\"facts\">" + items.map { "<div><dt>\(escape($0.0))</dt><dd>\($0.1)</dd></div>" }.joined() + "</dl>"
    }
}

extension Array {
    /// The element at `index`, or nil.
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
