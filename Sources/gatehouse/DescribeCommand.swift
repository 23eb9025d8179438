import ArgumentParser
import GatehouseClient
import GatewayModel

/// `gatehouse describe KIND [NAME]`: objects with their conditions, for people.
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
            print(objects.map(Describer.describe).joined(separator: "\n\n"), terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
