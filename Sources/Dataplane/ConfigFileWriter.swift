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

    /// One file of a resource set: which subscription, and the resources it carries.
    struct PlannedFile {
        var type: XDSFiles.ResourceType
        var name: String
        var path: String
        var resources: [JSONValue]
    }

    /// The files of one resource set, in write order (referenced files first).
    func files(for resources: EnvoyResources) -> [PlannedFile] {
        var files: [PlannedFile] = []
        for (type, items, nameKey) in [(XDSFiles.ResourceType.routes, resources.routeConfigurations, "name"),
                                       (.endpoints, resources.clusterLoadAssignments, "cluster_name"),
                                       (.secrets, resources.secrets, "name")] {
            for item in items {
                let name = item[nameKey]?.stringValue ?? "default"
                files.append(PlannedFile(type: type, name: name, path: XDSFiles.path(type, name: name, in: configDirectory), resources: [item]))
            }
        }
        files.append(PlannedFile(type: .clusters, name: "", path: XDSFiles.path(.clusters, in: configDirectory), resources: resources.clusters))
        files.append(PlannedFile(type: .listeners, name: "", path: XDSFiles.path(.listeners, in: configDirectory), resources: resources.listeners))
        return files
    }

    /// What one write changed, for the acceptance check.
    struct Change {
        var type: XDSFiles.ResourceType
        var name: String
    }

    /// The resources last written per path (compared as values: no re-parsing of files).
    private var writtenResources: [String: [JSONValue]] = [:]

    /// Writes the set; returns the resources whose files changed. Files whose resources did not
    /// change are not touched, whatever the version (so a change of one route does not rewrite
    /// every other file).
    func write(_ resources: EnvoyResources, version: String) throws -> [Change] {
        var changes: [Change] = []
        var keep = Set<String>()
        for file in files(for: resources) {
            keep.insert(file.path)
            if writtenResources[file.path] == file.resources { continue }
            let content = JSONSerializer.data(["version_info": .string(version), "resources": .array(file.resources)])
            try replace(file.path, with: content)
            writtenResources[file.path] = file.resources
            changes.append(Change(type: file.type, name: file.name))
        }
        // Only after LDS/CDS no longer name them: drop stale per-resource files.
        for path in written.keys.sorted() where !keep.contains(path) {
            try? FileManager.default.removeItem(atPath: path)
            written[path] = nil
            writtenResources[path] = nil
        }
        return changes
    }

    /// Puts back earlier contents (after Envoy rejected a push), so a restarted Envoy loads the
    /// last good configuration.
    func restore(_ snapshot: [String: [UInt8]]) throws {
        for path in snapshot.keys.sorted() {
            guard let content = snapshot[path], written[path] != content else { continue }
            try replace(path, with: content)
            writtenResources[path] = (try? JSONParser.parse(content))?["resources"]?.arrayValue
        }
        for path in written.keys.sorted() where snapshot[path] == nil {
            try? FileManager.default.removeItem(atPath: path)
            written[path] = nil
            writtenResources[path] = nil
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

}

/// An operational error of the dataplane agent.
struct DataplaneError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
