import ArgumentParser
import Foundation
import GatehouseClient
import GatewayModel
import ManifestIO

/// `gatehouse apply -f FILE|DIR|-`: create each object or update it in place.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Create or update objects from YAML or JSON manifests.")

    @OptionGroup var options: ClientOptions

    @Option(name: [.short, .customLong("filename")], help: "A file, a directory of .yaml/.yml/.json files, or - for standard input.")
    var files: [String]

    func run() async throws {
        // Read everything first, as kubectl does: a bad file fails before anything is written.
        let documents = try ManifestFiles.read(files)
        guard !documents.isEmpty else { throw CommandFailure(.nothingToApply, "no objects passed to apply") }
        let client = try await options.connect()
        var failed = false
        for document in documents {
            do {
                let line = try await apply(document.object, client: client)
                print(line)
            } catch let error as ClientError {
                printError("\(document.source): \(error)")
                if error.statusCode == nil { throw ExitCode(1) }
                failed = true
            } catch {
                printError("\(document.source): \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    private func apply(_ object: JSONValue, client: APIClient) async throws -> String {
        let (kind, name, namespace) = try ManifestFiles.identify(object, defaultNamespace: options.effectiveNamespace)
        var object = object
        if kind.namespaced { object[path: ["metadata", "namespace"]] = .string(namespace) }
        let path = client.path(kind, namespace: namespace, name: name)
        guard let existing = try await fetch(path, client: client) else {
            let created = try await client.send(.POST, client.path(kind, namespace: namespace), body: object)
            warn(created.warnings)
            return "\(displayName(kind, name)) created"
        }
        // Replace with what the file says (last writer wins, as apply does: no resourceVersion
        // precondition, so a controller's concurrent status write is no conflict), keeping
        // what the server and controllers own.
        object[path: ["metadata", "resourceVersion"]] = nil
        if object[path: ["metadata", "finalizers"]] == nil {
            object[path: ["metadata", "finalizers"]] = existing[path: ["metadata", "finalizers"]]
        }
        let updated = try await client.send(.PUT, path, body: object)
        warn(updated.warnings)
        let unchanged = Self.userOwned(updated.body) == Self.userOwned(existing)
        return "\(displayName(kind, name)) \(unchanged ? "unchanged" : "configured")"
    }

    /// The object without what servers and controllers change on their own (status,
    /// resourceVersion), to tell whether an apply changed anything.
    static func userOwned(_ object: JSONValue) -> JSONValue {
        var copy = object
        copy["status"] = nil
        copy[path: ["metadata", "resourceVersion"]] = nil
        return copy
    }

    /// The object at `path`, or nil when it does not exist.
    private func fetch(_ path: String, client: APIClient) async throws(ClientError) -> JSONValue? {
        do {
            return try await client.send(.GET, path).body
        } catch {
            if error.statusCode == 404 { return nil }
            throw error
        }
    }

    private func warn(_ warnings: [String]) {
        for warning in warnings { printError("Warning: \(warning)") }
    }
}

/// Reading manifests from files, directories and standard input.
enum ManifestFiles {
    /// One object and where it came from.
    struct Document {
        var object: JSONValue
        var source: String
    }

    /// All objects in the named files/directories (`-` is standard input), in order.
    static func read(_ paths: [String]) throws -> [Document] {
        var documents: [Document] = []
        for path in paths {
            for file in try expand(path) {
                let text: String
                if file == "-" {
                    text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                } else {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw CommandFailure(.pathNotFound, "the path \"\(file)\" does not exist")
                    }
                    text = String(decoding: data, as: UTF8.self)
                }
                do {
                    documents += try Manifests.decode(text).map { Document(object: $0, source: file) }
                } catch {
                    throw CommandFailure(.unreadableManifest, "error parsing \(file): \(error.message)")
                }
            }
        }
        return documents
    }

    private static func expand(_ path: String) throws -> [String] {
        if path == "-" { return ["-"] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure(.pathNotFound, "the path \"\(path)\" does not exist")
        }
        guard isDirectory.boolValue else { return [path] }
        let entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        return entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .map { (path as NSString).appendingPathComponent($0) }
    }

    /// The kind, name and namespace of a manifest, or an error naming what is missing.
    static func identify(_ object: JSONValue, defaultNamespace: String) throws -> (ResourceKind, String, String) {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kindName = object["kind"]?.stringValue else {
            throw CommandFailure(.incompleteManifest, "object has no apiVersion or kind: every manifest needs both")
        }
        guard let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName) else {
            throw CommandFailure(.unknownKind, "no matches for kind \"\(kindName)\" in version \"\(apiVersion)\"")
        }
        guard let name = object.name, !name.isEmpty else {
            throw CommandFailure(.incompleteManifest, "\(kindName) has no metadata.name")
        }
        return (kind, name, object.namespace ?? defaultNamespace)
    }
}
