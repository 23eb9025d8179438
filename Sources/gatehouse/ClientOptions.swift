import ArgumentParser
import Foundation
import GatehouseClient
import GatewayModel
import Telemetry

/// Options every client command shares, like kubectl's.
struct ClientOptions: ParsableArguments {
    @Option(help: "The API server URL (default: $GATEHOUSE_SERVER, else http://127.0.0.1:5681).")
    var server: String?

    @Option(name: [.short, .customLong("namespace")], help: "The namespace (default: \"default\").")
    var namespace: String?

    @Option(help: "How long to wait for each answer before giving up, like kubectl's (30s, 1m, 500ms; 0 waits forever).")
    var requestTimeout: String = "30s"

    @Option(help: "Log format of anything logged: text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    func validate() throws {
        guard RequestTimeout.parse(requestTimeout) != nil else {
            throw ValidationError("--request-timeout: invalid duration \"\(requestTimeout)\" (expected e.g. 30s, 1m, 500ms or 0)")
        }
    }

    /// The client for the chosen server, after checking that something listens there.
    func connect() async throws -> APIClient {
        bootstrapLogging(level: "warning", format: logFormat)
        let timeout = RequestTimeout.parse(requestTimeout) ?? .seconds(30)
        let client = APIClient(server: server ?? ProcessInfo.processInfo.environment["GATEHOUSE_SERVER"] ?? "http://127.0.0.1:5681",
                               requestTimeout: timeout == .zero ? nil : timeout)
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

/// `--request-timeout` values, as kubectl takes them: a Go duration (`30s`, `1m30s`, `500ms`),
/// or a bare number of seconds; `0` means no timeout.
enum RequestTimeout {
    /// The duration, or nil when `text` is not one.
    static func parse(_ text: String) -> Duration? {
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        let units: [(suffix: String, nanoseconds: Double)] = [("ms", 1e6), ("us", 1e3), ("ns", 1), ("h", 3.6e12), ("m", 6e10), ("s", 1e9)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.nanoseconds
        }
        return .nanoseconds(Int64(total))
    }
}

/// A client command that failed at run time (exit code 1, as kubectl): what the person asked
/// for could not be done. Mistakes in the command line itself stay `ValidationError`s (64).
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong.
    enum Code: Sendable {
        /// A file or directory given with `-f` does not exist.
        case pathNotFound
        /// A manifest could not be read.
        case unreadableManifest
        /// A manifest lacks what identifies its object.
        case incompleteManifest
        /// The kind is not served.
        case unknownKind
        /// `apply -f` found no objects.
        case nothingToApply
    }

    /// What went wrong.
    var code: Code
    /// The message, worded as kubectl words it.
    var message: String

    /// Creates a failure.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}

/// Resolves a kind typed by a person, or fails naming it.
func resolveKind(_ name: String) throws -> ResourceKind {
    guard let kind = ResourceKinds.resolve(name) else {
        throw CommandFailure(.unknownKind, "the server doesn't have a resource type \"\(name)\"")
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
