import GatewayModel

/// An object as a store keeps it in memory: its serialized JSON, parsed again when read, or the
/// parsed tree where no serialized form is at hand (the Kubernetes informer cache, deleted
/// objects in the history).
///
/// Why bytes: a parsed tree holds every JSON object as a Dictionary (one allocation of a few
/// hundred bytes even for `{"type":"PathPrefix","value":"/a"}`), about five times the memory of
/// its JSON text. At 10,000 HTTPRoutes the stored trees (the routes, their generated
/// MeshHTTPRoutes and the versions the history keeps) were the control plane's largest memory
/// consumer. The serialized form is what the SQLite row holds and what watchers send anyway, so
/// writing costs nothing more; a read parses (a few microseconds for a route).
public enum StoredObject: Sendable {
    /// Serialized JSON (`JSONSerializer.data`).
    case serialized([UInt8])
    /// A parsed tree.
    case tree(JSONValue)

    /// The object as a tree: parsed from the bytes on each call (`null` if they do not parse,
    /// which bytes written by `JSONSerializer` always do).
    public var value: JSONValue {
        switch self {
        case .tree(let value): value
        case .serialized(let bytes): (try? JSONParser.parse(bytes)) ?? .null
        }
    }

    /// The serialized JSON, when the object is held so (watchers send these bytes as they are).
    public var serializedBytes: [UInt8]? {
        if case .serialized(let bytes) = self { return bytes }
        return nil
    }
}

extension ObjectFilter {
    /// The stored objects that pass the filter, parsed and sorted by key (what a list answers):
    /// only those of the filter's kind and namespace are parsed.
    public func sortedMatches(in objects: [ObjectKey: StoredObject]) -> [JSONValue] {
        objects.filter { matchesKey($0.key) }.sorted { $0.key < $1.key }.compactMap { key, stored in
            let object = stored.value
            return matches(key, object) ? object : nil
        }
    }
}
