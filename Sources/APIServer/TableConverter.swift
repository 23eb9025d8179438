import Foundation
import GatewayModel

/// Server-side printing: the `meta.k8s.io/v1` `Table` kubectl asks for with
/// `Accept: application/json;as=Table;...`, with the columns the Gateway API CRDs and
/// Kubernetes define for each kind.
enum TableConverter {
    struct Column {
        var name: String
        var type: String = "string"
        var format: String = ""
        var priority: Int = 0
        var description: String = ""
        var cell: @Sendable (JSONValue, Date) -> JSONValue
    }

    /// A `Table` of `objects` (for a list, or a single GET).
    static func table(for kind: ResourceKind, objects: [JSONValue], resourceVersion: String?, now: Date = Date()) -> JSONValue {
        let columns = self.columns(for: kind)
        let definitions: [JSONValue] = columns.map {
            ["name": .string($0.name), "type": .string($0.type), "format": .string($0.format),
             "description": .string($0.description), "priority": .integer(Int64($0.priority))]
        }
        let rows: [JSONValue] = objects.map { object in
            ["cells": .array(columns.map { $0.cell(object, now) }), "object": partialMetadata(object)]
        }
        var metadata: JSONValue = .emptyObject
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
                "columnDefinitions": .array(definitions), "rows": .array(rows)]
    }

    /// The `PartialObjectMetadata` kubectl reads the namespace and name from.
    static func partialMetadata(_ object: JSONValue) -> JSONValue {
        ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] ?? .emptyObject]
    }

    static let name = Column(name: "Name", format: "name", description: "Name must be unique within a namespace.") {
        object, _ in .string(object.name ?? "")
    }
    static let age = Column(name: "Age", description: "Time since creation.") { object, now in
        .string(humanAge(object[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now))
    }

    static func text(_ title: String, priority: Int = 0, _ path: [String]) -> Column {
        Column(name: title, priority: priority) { object, _ in
            guard let value = object[path: path] else { return "" }
            if case .string(let text) = value { return .string(text) }
            return .string(JSONSerializer.string(value))
        }
    }

    static func condition(_ title: String, _ type: String) -> Column {
        Column(name: title) { object, _ in
            let conditions = object[path: ["status", "conditions"]]?.arrayValue ?? []
            let match = conditions.first { $0["type"]?.stringValue == type }
            return .string(match?["status"]?.stringValue ?? "Unknown")
        }
    }

    private static func count(_ title: String, _ path: [String]) -> Column {
        Column(name: title, type: "integer") { object, _ in
            .integer(Int64(object[path: path]?.objectValue?.count ?? object[path: path]?.arrayValue?.count ?? 0))
        }
    }

    static func columns(for kind: ResourceKind) -> [Column] {
        switch kind {
        case ResourceKinds.namespace:
            return [name, text("Status", ["status", "phase"]), age]
        case ResourceKinds.service:
            return [name, text("Type", ["spec", "type"]), text("Cluster-IP", ["spec", "clusterIP"]),
                    Column(name: "External-IP") { object, _ in .string(serviceExternalIP(object)) },
                    Column(name: "Port(s)") { object, _ in .string(servicePorts(object)) }, age,
                    Column(name: "Selector", priority: 1) { object, _ in
                        .string((object[path: ["spec", "selector"]]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                            .map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ","))
                    }]
        case ResourceKinds.secret:
            return [name, text("Type", ["type"]), count("Data", ["data"]), age]
        case ResourceKinds.configMap:
            return [name, count("Data", ["data"]), age]
        case ResourceKinds.endpointSlice:
            return [name, text("AddressType", ["addressType"]),
                    Column(name: "Ports") { object, _ in
                        .string((object["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.integerValue.map(String.init) }.joined(separator: ","))
                    },
                    Column(name: "Endpoints") { object, _ in
                        .string((object["endpoints"]?.arrayValue ?? []).flatMap { $0["addresses"]?.arrayValue ?? [] }
                            .compactMap(\.stringValue).joined(separator: ","))
                    }, age]
        case ResourceKinds.gatewayClass:
            return [name, text("Controller", ["spec", "controllerName"]), condition("Accepted", "Accepted"), age,
                    text("Description", priority: 1, ["spec", "description"])]
        case ResourceKinds.gateway:
            return [name, text("Class", ["spec", "gatewayClassName"]),
                    Column(name: "Address") { object, _ in
                        .string(object[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue ?? "")
                    },
                    condition("Programmed", "Programmed"), age]
        case ResourceKinds.httpRoute, ResourceKinds.grpcRoute, ResourceKinds.tlsRoute:
            return [name, Column(name: "Hostnames") { object, _ in
                .string((object[path: ["spec", "hostnames"]]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","))
            }, age]
        case ResourceKinds.dataplane:
            // The mesh as the sidecar registered it (Kuma's top-level field), else its label.
            return [name,
                    Column(name: "Mesh") { object, _ in
                        .string(object["mesh"]?.stringValue ?? object[path: ["metadata", "labels", "kuma.io/mesh"]]?.stringValue ?? "")
                    },
                    text("Connection", ["status", "connection"]), text("Config", ["status", "config"]),
                    text("Address", priority: 1, ["spec", "networking", "address"]),
                    text("Accepted-Version", priority: 1, ["status", "acceptedVersion"]), age]
        case ResourceKinds.event, ResourceKinds.eventV1:
            return eventColumns(core: kind == ResourceKinds.event)
        default:
            return workloadColumns(for: kind) ?? [name, age]
        }
    }

    /// Kubernetes' event columns: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (and, wide, the
    /// source, first seen, count and name), from either Event API's field names.
    private static func eventColumns(core: Bool) -> [Column] {
        let regarding = core ? "involvedObject" : "regarding"
        let lastSeen: @Sendable (JSONValue) -> String? = { object in
            (core ? object["lastTimestamp"] : object[path: ["series", "lastObservedTime"]] ?? object["deprecatedLastTimestamp"])?
                .stringValue ?? object["eventTime"]?.stringValue ?? object[path: ["metadata", "creationTimestamp"]]?.stringValue
        }
        return [
            Column(name: "Last Seen") { object, now in .string(humanAge(lastSeen(object), now: now)) },
            text("Type", ["type"]),
            text("Reason", ["reason"]),
            Column(name: "Object") { object, _ in
                let kind = object[path: [regarding, "kind"]]?.stringValue?.lowercased() ?? ""
                return .string("\(kind)/\(object[path: [regarding, "name"]]?.stringValue ?? "")")
            },
            text("Message", [core ? "message" : "note"]),
            Column(name: "Source", priority: 1) { object, _ in
                .string((core ? object[path: ["source", "component"]] : object["reportingController"])?.stringValue ?? "")
            },
            Column(name: "First Seen", priority: 1) { object, now in
                .string(humanAge((core ? object["firstTimestamp"] : object["deprecatedFirstTimestamp"])?.stringValue
                    ?? object["eventTime"]?.stringValue, now: now))
            },
            Column(name: "Count", type: "integer", priority: 1) { object, _ in
                .integer((core ? object["count"] : object[path: ["series", "count"]] ?? object["deprecatedCount"])?.integerValue ?? 1)
            },
            Column(name: "Name", format: "name", priority: 1) { object, _ in .string(object.name ?? "") },
        ]
    }

    private static func serviceExternalIP(_ object: JSONValue) -> String {
        let ingress = object[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []
        let addresses = ingress.compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
        if !addresses.isEmpty { return addresses.joined(separator: ",") }
        if object[path: ["spec", "type"]]?.stringValue == "LoadBalancer" { return "<pending>" }
        return "<none>"
    }

    private static func servicePorts(_ object: JSONValue) -> String {
        let ports = object[path: ["spec", "ports"]]?.arrayValue ?? []
        if ports.isEmpty { return "<none>" }
        return ports.map { port in
            let number = port["port"]?.integerValue.map(String.init) ?? ""
            let nodePort = port["nodePort"]?.integerValue.map { ":\($0)" } ?? ""
            return "\(number)\(nodePort)/\(port["protocol"]?.stringValue ?? "TCP")"
        }.joined(separator: ",")
    }

    /// Kubernetes' `HumanDuration`: `45s`, `3m20s`, `5h`, `2d3h`, `400d`, `3y20d`.
    static func humanAge(_ timestamp: String?, now: Date) -> String {
        guard let timestamp, let created = parseTimestamp(timestamp) else { return "<unknown>" }
        let seconds = max(0, Int(now.timeIntervalSince(created)))
        let minutes = seconds / 60, hours = seconds / 3600, days = hours / 24, years = days / 365
        switch true {
        case seconds < 120: return "\(seconds)s"
        case minutes < 10: return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s"
        case minutes < 180: return "\(minutes)m"
        case hours < 8: return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m"
        case hours < 48: return "\(hours)h"
        case hours < 24 * 8: return hours % 24 == 0 ? "\(days)d" : "\(days)d\(hours % 24)h"
        case hours < 24 * 365 * 2: return "\(days)d"
        case years < 8: return "\(years)y\(days % 365)d"
        default: return "\(years)y"
        }
    }

    /// An RFC 3339 time, with or without fractional seconds (Kubernetes' Time and MicroTime).
    static func parseTimestamp(_ text: String) -> Date? {
        if let plain = ISO8601DateFormatter().date(from: text) { return plain }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
