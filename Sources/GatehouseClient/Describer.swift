import Foundation
import GatewayModel
import ManifestIO

/// `gatehouse describe`: an object for people, with its conditions as a readable table.
public enum Describer {
    /// The description of one object and, when given, the core v1 Events about it (as
    /// `kubectl describe` ends with them: Type, Reason, Age, From, Message; oldest first).
    public static func describe(_ object: JSONValue, events: [JSONValue]? = nil, now: Date = Date()) -> String {
        var out = describeObject(object)
        if let events {
            out += "Events:" + (events.isEmpty ? "  <none>\n" : "\n" + indent(eventTable(events, now: now), by: 2))
        }
        return out
    }

    /// The Events table, sorted by when each was last seen.
    static func eventTable(_ events: [JSONValue], now: Date) -> String {
        func lastSeen(_ event: JSONValue) -> String {
            event["lastTimestamp"]?.stringValue ?? event["eventTime"]?.stringValue ?? event[path: ["metadata", "creationTimestamp"]]?.stringValue ?? ""
        }
        let rows = events.sorted { lastSeen($0) < lastSeen($1) }.map { event -> [String] in
            var age = "<unknown>"
            if let seen = ISO8601DateFormatter().date(from: lastSeen(event)) { age = "\(max(0, Int(now.timeIntervalSince(seen))))s" }
            let count = event["count"]?.integerValue ?? 1
            if count > 1 { age += " (x\(count))" }
            return [event["type"]?.stringValue ?? "", event["reason"]?.stringValue ?? "", age,
                    event[path: ["source", "component"]]?.stringValue ?? event["reportingComponent"]?.stringValue ?? "",
                    event["message"]?.stringValue ?? ""]
        }
        return TableRenderer.columns([["Type", "Reason", "Age", "From", "Message"]] + rows)
    }

    private static func describeObject(_ object: JSONValue) -> String {
        var out = ""
        func field(_ label: String, _ value: String) { out += (label + ":").padding(toLength: 14) + value + "\n" }
        field("Name", object.name ?? "")
        if let namespace = object.namespace { field("Namespace", namespace) }
        field("Labels", keyValues(object[path: ["metadata", "labels"]]))
        field("Annotations", keyValues(object[path: ["metadata", "annotations"]]?.objectValue?
            .filter { $0.key != "kubectl.kubernetes.io/last-applied-configuration" }.asJSON))
        field("API Version", object["apiVersion"]?.stringValue ?? "")
        field("Kind", object["kind"]?.stringValue ?? "")
        field("Created", object[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "")
        if let generation = object.generation { field("Generation", String(generation)) }
        for section in ["spec", "data", "type"] {
            guard let value = object[section] else { continue }
            out += section.capitalized + ":\n" + indent(section == "data" ? redactedData(value) : Manifests.yaml(value), by: 2)
        }
        if let status = object["status"] {
            out += "Status:\n"
            var rest = status
            if let conditions = status["conditions"]?.arrayValue {
                out += "  Conditions:\n" + indent(conditionTable(conditions), by: 4)
                rest["conditions"] = nil
            }
            if let listeners = status["listeners"]?.arrayValue {
                rest["listeners"] = nil
                for listener in listeners {
                    out += "  Listener \(listener["name"]?.stringValue ?? ""):\n"
                    out += "    Attached Routes:  \(listener["attachedRoutes"]?.integerValue ?? 0)\n"
                    let kinds = (listener["supportedKinds"]?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }
                    out += "    Supported Kinds:  \(kinds.joined(separator: ", "))\n"
                    out += "    Conditions:\n" + indent(conditionTable(listener["conditions"]?.arrayValue ?? []), by: 6)
                }
            }
            if let parents = status["parents"]?.arrayValue {
                rest["parents"] = nil
                for parent in parents {
                    let reference = parent["parentRef"] ?? .emptyObject
                    var name = reference["name"]?.stringValue ?? ""
                    if let namespace = reference["namespace"]?.stringValue { name = "\(namespace)/\(name)" }
                    if let section = reference["sectionName"]?.stringValue { name += " (\(section))" }
                    out += "  Parent \(name):\n"
                    out += "    Controller:  \(parent["controllerName"]?.stringValue ?? "")\n"
                    out += "    Conditions:\n" + indent(conditionTable(parent["conditions"]?.arrayValue ?? []), by: 6)
                }
            }
            if let remaining = rest.objectValue, !remaining.isEmpty {
                out += indent(Manifests.yaml(rest), by: 2)
            }
        }
        return out
    }

    /// A table of conditions: Type, Status, Reason, Message, Last Transition.
    static func conditionTable(_ conditions: [JSONValue]) -> String {
        guard !conditions.isEmpty else { return "<none>\n" }
        let header = ["Type", "Status", "Reason", "Message", "Last Transition"]
        let rows = conditions.map { condition in
            ["type", "status", "reason", "message", "lastTransitionTime"].map { condition[$0]?.stringValue ?? "" }
        }
        return TableRenderer.columns([header] + rows)
    }

    /// Secret values never reach a terminal: only their sizes.
    private static func redactedData(_ data: JSONValue) -> String {
        guard let members = data.objectValue else { return "" }
        return members.keys.sorted().map { key in
            let size = members[key]?.stringValue.map { base64DecodedLength($0) } ?? 0
            return "\(key):  \(size) bytes\n"
        }.joined()
    }

    private static func base64DecodedLength(_ text: String) -> Int {
        let padding = text.reversed().prefix { $0 == "=" }.count
        return text.count / 4 * 3 - padding
    }

    private static func keyValues(_ value: JSONValue?) -> String {
        guard let members = value?.objectValue, !members.isEmpty else { return "<none>" }
        return members.keys.sorted().map { "\($0)=\(members[$0]?.stringValue ?? "")" }.joined(separator: "\n" + String(repeating: " ", count: 14))
    }

    private static func indent(_ text: String, by spaces: Int) -> String {
        let prefix = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : prefix + $0 }.joined(separator: "\n").trimmingTrailingNewlines + "\n"
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }

    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    fileprivate var asJSON: JSONValue { .object(self) }
}
