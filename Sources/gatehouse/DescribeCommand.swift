import ArgumentParser
import GatehouseClient
import GatewayModel

/// `gatehouse describe KIND [NAME]`: objects with their conditions and Events, for people.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show objects in detail, conditions included.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The kind.")
    var kind: String

    @Argument(help: "Object names (all objects of the kind when omitted).")
    var names: [String] = []

    func run() async throws {
        let kind = try resolveKind(self.kind)
        let client = try await options.connect()
        let namespace: String? = kind.namespaced ? options.effectiveNamespace : nil
        do {
            var objects: [JSONValue] = []
            if names.isEmpty {
                objects = try await client.send(.GET, client.path(kind, namespace: namespace)).body["items"]?.arrayValue ?? []
            } else {
                for name in names { objects.append(try await client.send(.GET, client.path(kind, namespace: namespace, name: name)).body) }
            }
            var descriptions: [String] = []
            for object in objects {
                descriptions.append(Describer.describe(object, events: await events(about: object, kind: kind, client: client)))
            }
            print(descriptions.joined(separator: "\n\n"), terminator: "")
        } catch {
            throw fail(error)
        }
    }

    /// The core v1 Events about `object` (as `kubectl describe` finds them: by the involved
    /// object's kind, name, namespace and uid); nil when they cannot be read.
    private func events(about object: JSONValue, kind: ResourceKind, client: APIClient) async -> [JSONValue]? {
        guard let name = object.name else { return nil }
        var selector = "involvedObject.kind=\(kind.kind),involvedObject.name=\(name)"
        if let uid = object[path: ["metadata", "uid"]]?.stringValue { selector += ",involvedObject.uid=\(uid)" }
        let namespace = kind.namespaced ? (object.namespace ?? options.effectiveNamespace) : "default"
        let answer = try? await client.send(.GET, client.path(ResourceKinds.event, namespace: namespace), query: ["fieldSelector": selector])
        return answer?.body["items"]?.arrayValue
    }
}
