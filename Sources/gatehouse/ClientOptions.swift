import ArgumentParser
import Foundation
import GatehouseClient
import GatewayModel

/// Options every client command shares, like kubectl's.
struct ClientOptions: ParsableArguments {
    @Option(help: "The API server URL (default: $GATEHOUSE_SERVER, else http://127.0.0.1:5681).")
    var server: String?

    @Option(name: [.short, .customLong("namespace")], help: "The namespace (default: \"default\").")
    var namespace: String?

    /// The client for the chosen server, after checking that something listens there.
    func connect() async throws -> APIClient {
        let client = APIClient(server: server ?? ProcessInfo.processInfo.environment["GATEHOUSE_SERVER"] ?? "http://127.0.0.1:5681")
        do {
            try await client.checkReachable()
        } catch {
            throw fail(error)
        }
        return client
    }

    /// The namespace to use for namespaced kinds.
    var effectiveNamespace: String { namespace ?? "default" }
}

/// Resolves a kind typed by a person, or fails naming it.
func resolveKind(_ name: String) throws -> ResourceKind {
    guard let kind = ResourceKinds.resolve(name) else {
        throw ValidationError("the server doesn't have a resource type \"\(name)\"")
    }
    return kind
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// kubectl's way of naming an object in messages: `gateway.gateway.networking.k8s.io/name`.
func displayName(_ kind: ResourceKind, _ name: String) -> String {
    kind.group.isEmpty ? "\(kind.singular)/\(name)" : "\(kind.singular).\(kind.group)/\(name)"
}

/// Exits with kubectl's exit code for a server error, after printing it.
func fail(_ error: ClientError) -> ExitCode {
    printError(error.description)
    return ExitCode(1)
}
