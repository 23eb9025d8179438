import ArgumentParser
import Foundation
import GatehouseClient
import GatewayModel
import ManifestIO

/// `gatehouse get KIND [NAME]`: kubectl-like listing.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show objects of one kind.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The kind: plural, singular, short name or Kind (gateways, gtw, httproute, svc, ...).")
    var kind: String

    @Argument(help: "Object names (all objects when omitted).")
    var names: [String] = []

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List across all namespaces.")
    var allNamespaces = false

    @Option(name: [.short, .customLong("output")], help: "Output format: yaml, json, wide or name.")
    var output: String?

    @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector, e.g. app=demo.")
    var selector: String?

    func validate() throws {
        if let output, !["yaml", "json", "wide", "name"].contains(output) {
            throw ValidationError("unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,name,wide,yaml")
        }
    }

    func run() async throws {
        let kind = try resolveKind(self.kind)
        let client = try await options.connect()
        let namespace: String? = kind.namespaced ? (allNamespaces ? nil : options.effectiveNamespace) : nil
        var query: [String: String] = [:]
        if let selector { query["labelSelector"] = selector }
        do {
            switch output {
            case "yaml", "json", "name":
                var objects: [JSONValue] = []
                if names.isEmpty {
                    objects = try await client.send(.GET, client.path(kind, namespace: namespace), query: query).body["items"]?.arrayValue ?? []
                } else {
                    for name in names { objects.append(try await client.send(.GET, client.path(kind, namespace: namespace, name: name)).body) }
                }
                print(render(objects, kind: kind, single: names.count == 1), terminator: "")
            default:
                let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
                var tables: [JSONValue] = []
                if names.isEmpty {
                    tables.append(try await client.send(.GET, client.path(kind, namespace: namespace), query: query, accept: accept).body)
                } else {
                    for name in names {
                        tables.append(try await client.send(.GET, client.path(kind, namespace: namespace, name: name), accept: accept).body)
                    }
                }
                var merged = tables.first ?? .emptyObject
                merged["rows"] = .array(tables.flatMap { $0["rows"]?.arrayValue ?? [] })
                let text = TableRenderer.render(merged, wide: output == "wide", withNamespace: kind.namespaced && allNamespaces,
                                                namespace: namespace)
                if text.hasPrefix("No resources found") { printError(text.trimmingCharacters(in: .newlines)) } else { print(text, terminator: "") }
            }
        } catch {
            throw fail(error)
        }
    }

    private func render(_ objects: [JSONValue], kind: ResourceKind, single: Bool) -> String {
        // The API server already redacts generated mesh secrets; a server that did not must
        // still not get key material onto a terminal through this command.
        let objects = objects.map { MeshSecret.redacted($0) }
        switch output {
        case "name":
            return objects.map { displayName(kind, $0.name ?? "") + "\n" }.joined()
        case "json":
            let value: JSONValue = single ? (objects.first ?? .null) : ["apiVersion": "v1", "kind": "List", "items": .array(objects), "metadata": ["resourceVersion": ""]]
            return JSONSerializer.prettyString(value) + "\n"
        default:
            let value: JSONValue = single ? (objects.first ?? .null) : ["apiVersion": "v1", "kind": "List", "items": .array(objects), "metadata": ["resourceVersion": ""]]
            return Manifests.yaml(value)
        }
    }
}
