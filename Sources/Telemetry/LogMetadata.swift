import Logging

/// Log metadata naming an object: `kind`, `namespace` (omitted for cluster-scoped objects) and
/// `name`, so that every log line about an object can be found by it (`--log-format json`).
public enum LogMetadata {
    /// Metadata for the object `kind` `namespace/name`.
    public static func object(_ kind: String, namespace: String?, name: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["kind": .string(kind), "name": .string(name)]
        if let namespace, !namespace.isEmpty { metadata["namespace"] = .string(namespace) }
        return metadata
    }

    /// Metadata for a proxy key: a Gateway `<ns>/<name>` or a sidecar's Dataplane `sidecar/<ns>/<name>`.
    public static func proxy(_ key: String) -> Logger.Metadata {
        let parts = key.split(separator: "/").map(String.init)
        var metadata: Logger.Metadata = ["proxy": .string(key)]
        if parts.count == 3, parts[0] == "sidecar" {
            metadata.merge(object("Dataplane", namespace: parts[1], name: parts[2])) { $1 }
        } else if parts.count == 2 {
            metadata.merge(object("Gateway", namespace: parts[0], name: parts[1])) { $1 }
        }
        return metadata
    }

    /// Metadata for the object an `ObjectKey`-like path names: kind, `namespace/name`.
    public static func object(_ kind: String, path: String) -> Logger.Metadata {
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        return parts.count == 2 ? object(kind, namespace: parts[0], name: parts[1]) : object(kind, namespace: nil, name: path)
    }
}
