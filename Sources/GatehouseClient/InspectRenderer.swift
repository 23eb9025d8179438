import GatewayModel

/// Renders `gatehouse inspect` output for people from the control plane's proxy summary
/// (`/gatehouse/v1/inspect/proxy`): the version and each replica's acceptance, listeners,
/// routes in Envoy's order with the HTTPRoute each came from, clusters and their endpoints.
public enum InspectRenderer {
    /// The text for a proxy summary; `subject` names it (`Gateway kuma-demo/kuma`).
    public static func render(_ summary: JSONValue, subject: String) -> String {
        var out = "\(subject)\nConfig version: \(summary["version"]?.stringValue ?? "none")\n"
        let version = summary["version"]?.stringValue
        out += "\nReplicas:\n" + columns(["REPLICA", "SERVING", "ACCEPTED", "REJECTED", "METRICS"], (summary["replicas"]?.arrayValue ?? []).map { replica in
            let accepted = replica["acceptedVersion"]?.stringValue
            let serving = replica["connected"]?.boolValue == true && replica["running"]?.boolValue == true
            return [replica["replica"]?.stringValue ?? "", serving ? "yes" : "no",
                    accepted.map { $0 == version ? "\($0) (current)" : $0 } ?? "-",
                    replica["rejectedVersion"]?.stringValue.map { "\($0): \(replica["rejectionMessage"]?.stringValue ?? "")" } ?? "-",
                    replica["metricsAddress"]?.stringValue ?? "-"]
        })
        out += "\nListeners:\n" + columns(["NAME", "ADDRESS", "PORT"], (summary["listeners"]?.arrayValue ?? []).map { listener in
            [listener["name"]?.stringValue ?? "", listener["address"]?.stringValue ?? "", String(listener["port"]?.integerValue ?? 0)]
        })
        out += "\nRoutes (Envoy's order within each virtual host: the first match wins):\n"
        out += columns(["VIRTUAL HOST", "#", "MATCH", "ACTION", "FROM", "ENVOY ROUTE"], (summary["routes"]?.arrayValue ?? []).map { route in
            [route["virtualHost"]?.stringValue ?? "", String(route["order"]?.integerValue ?? 0), route["match"]?.stringValue ?? "",
             route["action"]?.stringValue ?? "", route["source"]?.stringValue ?? "-", route["name"]?.stringValue ?? ""]
        })
        out += "\nClusters:\n" + columns(["NAME", "ENDPOINTS"], (summary["clusters"]?.arrayValue ?? []).map { cluster in
            let endpoints = (cluster["endpoints"]?.arrayValue ?? []).compactMap(\.stringValue)
            return [cluster["name"]?.stringValue ?? "", endpoints.isEmpty ? "-" : endpoints.joined(separator: ", ")]
        })
        let secrets = (summary["secrets"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !secrets.isEmpty { out += "\nSecrets (names only):\n" + secrets.map { "  \($0)\n" }.joined() }
        return out
    }

    /// Left-aligned columns, two spaces apart, indented by two; `(none)` without rows.
    static func columns(_ headers: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "  (none)\n" }
        var widths = headers.map(\.count)
        for row in rows {
            for (position, cell) in row.enumerated() where position < widths.count { widths[position] = max(widths[position], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { position, cell in
                position == cells.count - 1 ? cell : cell.padding(toLength: widths[position], withPad: " ", startingAt: 0)
            }
            return "  " + padded.joined(separator: "  ") + "\n"
        }
        return line(headers) + rows.map(line).joined()
    }
}
