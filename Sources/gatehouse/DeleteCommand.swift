import ArgumentParser
import GatehouseClient
import GatewayModel

/// `gatehouse delete KIND NAME...` or `gatehouse delete -f FILE`.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete objects by name or by manifest.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "KIND NAME... (omit when using -f).")
    var arguments: [String] = []

    @Option(name: [.short, .customLong("filename")], help: "Delete the objects named in these manifests.")
    var files: [String] = []

    @Flag(help: "Do not fail when an object is already gone.")
    var ignoreNotFound = false

    func run() async throws {
        var targets: [(ResourceKind, String, String)] = []
        if !files.isEmpty {
            for document in try ManifestFiles.read(files) {
                targets.append(try ManifestFiles.identify(document.object, defaultNamespace: options.effectiveNamespace))
            }
        } else {
            guard let kindName = arguments.first, arguments.count > 1 else {
                throw ValidationError("give KIND and at least one NAME, or -f FILE")
            }
            let kind = try resolveKind(kindName)
            targets = arguments.dropFirst().map { (kind, $0, options.effectiveNamespace) }
        }
        let client = try await options.connect()
        var failed = false
        for (kind, name, namespace) in targets {
            do {
                try await client.send(.DELETE, client.path(kind, namespace: namespace, name: name))
                print("\(displayName(kind, name).replacingOccurrences(of: "/\(name)", with: "")) \"\(name)\" deleted")
            } catch {
                if error.statusCode == 404 && ignoreNotFound { continue }
                printError(error.description)
                if error.statusCode == nil { throw ExitCode(1) }
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
