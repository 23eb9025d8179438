import Foundation
import GatewayModel

/// Writes a proxy's Envoy resources as filesystem xDS files, each replaced by an atomic rename
/// inside its watched directory, writing only what changed.
///
/// Order matters: files a resource refers to are written before the resource (RDS, EDS and SDS
/// before the listeners and clusters that name them), and files no longer referenced are
/// removed only after LDS and CDS stopped naming them.
final class ConfigFileWriter {
    let configDirectory: String
    /// The last content written per file path.
    private(set) var written: [String: [UInt8]] = [:]

    init(configDirectory: String) throws {
        self.configDirectory = configDirectory
        for type in XDSFiles.ResourceType.allCases {
            try FileManager.default.createDirectory(atPath: XDSFiles.directory(type, in: configDirectory), withIntermediateDirectories: true)
        }
    }

    /// Writes empty LDS/CDS files if none exist, so Envoy can start.
    func prepareEmpty() throws {
        for type in [XDSFiles.ResourceType.listeners, .clusters] {
            let path = XDSFiles.path(type, in: configDirectory)
            if !FileManager.default.fileExists(atPath: path) {
                try replace(path, with: JSONSerializer.data(EnvoyBootstrap.emptyDiscoveryResponse()))
            }
        }
    }

    /// The files of one resource set: path -> DiscoveryResponse bytes.
    func files(for resources: EnvoyResources, version: String) -> [(type: XDSFiles.ResourceType, name: String, path: String, content: [UInt8])] {
        func response(_ items: [JSONValue]) -> [UInt8] {
            JSONSerializer.data(["version_info": .string(version), "resources": .array(items)])
        }
        var files: [(XDSFiles.ResourceType, String, String, [UInt8])] = []
        for (type, items, nameKey) in [(XDSFiles.ResourceType.routes, resources.routeConfigurations, "name"),
                                       (.endpoints, resources.clusterLoadAssignments, "cluster_name"),
                                       (.secrets, resources.secrets, "name")] {
            for item in items {
                let name = item[nameKey]?.stringValue ?? "default"
                files.append((type, name, XDSFiles.path(type, name: name, in: configDirectory), response([item])))
            }
        }
        files.append((.clusters, "", XDSFiles.path(.clusters, in: configDirectory), response(resources.clusters)))
        files.append((.listeners, "", XDSFiles.path(.listeners, in: configDirectory), response(resources.listeners)))
        return files
    }

    /// What one write changed, for the acceptance check.
    struct Change {
        var type: XDSFiles.ResourceType
        var name: String
    }

    /// Writes the set; returns the resources whose files changed. Unchanged files are not
    /// touched. A per-resource file whose content is equal except for its version is also left
    /// alone (so a change of one route does not rewrite every other file).
    func write(_ resources: EnvoyResources, version: String) throws -> [Change] {
        var changes: [Change] = []
        var keep = Set<String>()
        for (type, name, path, content) in files(for: resources, version: version) {
            keep.insert(path)
            if let previous = written[path], Self.sameIgnoringVersion(previous, content) { continue }
            try replace(path, with: content)
            changes.append(Change(type: type, name: name))
        }
        // Only after LDS/CDS no longer name them: drop stale per-resource files.
        for path in written.keys.sorted() where !keep.contains(path) {
            try? FileManager.default.removeItem(atPath: path)
            written[path] = nil
        }
        return changes
    }

    /// Puts back earlier contents (after Envoy rejected a push), so a restarted Envoy loads the
    /// last good configuration.
    func restore(_ snapshot: [String: [UInt8]]) throws {
        for path in snapshot.keys.sorted() {
            guard let content = snapshot[path], written[path] != content else { continue }
            try replace(path, with: content)
        }
        for path in written.keys.sorted() where snapshot[path] == nil {
            try? FileManager.default.removeItem(atPath: path)
            written[path] = nil
        }
    }

    private func replace(_ path: String, with content: [UInt8]) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(content)) else {
            throw DataplaneError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw DataplaneError("cannot rename \(temporary) to \(path): errno \(errno)")
        }
        written[path] = content
    }

    private static func sameIgnoringVersion(_ old: [UInt8], _ new: [UInt8]) -> Bool {
        guard let oldValue = try? JSONParser.parse(old), let newValue = try? JSONParser.parse(new) else { return false }
        return oldValue["resources"] == newValue["resources"]
    }
}

/// An operational error of the dataplane agent.
struct DataplaneError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
