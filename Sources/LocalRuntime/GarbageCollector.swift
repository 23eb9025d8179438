import GatewayModel

/// Kubernetes' garbage collector, for standalone: an object whose every owner reference
/// points at an object that no longer exists (by uid: a recreated owner of the same name is
/// another owner) is deleted; dependents of what is deleted follow on the next pass
/// (background cascading deletion). Pure.
public enum GarbageCollector {
    /// The keys of orphaned objects in `objects`.
    public static func orphans(_ objects: [(key: ObjectKey, object: JSONValue)]) -> [ObjectKey] {
        var uids: Set<String> = []
        for (_, object) in objects {
            if let uid = object[path: ["metadata", "uid"]]?.stringValue { uids.insert(uid) }
        }
        var orphaned: [ObjectKey] = []
        for (key, object) in objects {
            let owners = (object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
            // An empty uid is not a reference yet (a writer fills it in): never collect on it.
            guard !owners.isEmpty, !owners.contains(where: \.isEmpty) else { continue }
            if owners.allSatisfy({ !uids.contains($0) }) { orphaned.append(key) }
        }
        return orphaned.sorted()
    }
}
