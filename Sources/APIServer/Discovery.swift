import GatewayModel

/// The discovery documents kubectl reads to learn what the server serves.
enum Discovery {
    /// `/api`
    static func coreVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    /// One group's entry (`/apis/<group>` and inside `/apis`).
    static func group(_ name: String) -> JSONValue {
        let versions = versions(of: name)
        let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
            "preferredVersion": entries.first ?? .null,
        ]
    }

    /// `/apis`
    static func groupList() -> JSONValue {
        var groups: [JSONValue] = []
        for name in ResourceKinds.groups {
            var entry = group(name)
            entry["kind"] = nil
            entry["apiVersion"] = nil
            groups.append(entry)
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    /// Versions served for a group, preferred first.
    static func versions(of group: String) -> [String] {
        var versions: [String] = []
        for kind in ResourceKinds.all where kind.group == group {
            for version in kind.versions where !versions.contains(version) { versions.append(version) }
        }
        return versions
    }

    /// `/api/v1` or `/apis/<group>/<version>`, or nil when that group/version is not served.
    static func resourceList(group: String, version: String) -> JSONValue? {
        let kinds = ResourceKinds.all.filter { $0.group == group && $0.versions.contains(version) }
        guard !kinds.isEmpty else { return nil }
        var resources: [JSONValue] = []
        for kind in kinds {
            var entry: JSONValue = [
                "name": .string(kind.plural), "singularName": .string(kind.singular), "namespaced": .bool(kind.namespaced),
                "kind": .string(kind.kind),
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            ]
            if !kind.shortNames.isEmpty { entry["shortNames"] = .array(kind.shortNames.map { .string($0) }) }
            if !kind.categories.isEmpty { entry["categories"] = .array(kind.categories.map { .string($0) }) }
            resources.append(entry)
            if kind.hasStatusSubresource {
                resources.append([
                    "name": .string("\(kind.plural)/status"), "singularName": "", "namespaced": .bool(kind.namespaced),
                    "kind": .string(kind.kind), "verbs": ["get", "patch", "update"],
                ])
            }
            if kind.hasScaleSubresource {
                resources.append([
                    "name": .string("\(kind.plural)/scale"), "singularName": "", "namespaced": .bool(kind.namespaced),
                    "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"],
                ])
            }
        }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)]
    }

    /// `/version`: the Kubernetes version this API behaves like.
    static func version() -> JSONValue {
        [
            "major": "1", "minor": "36", "gitVersion": "v1.36.0+gatehouse", "gitCommit": "", "gitTreeState": "clean",
            "buildDate": "", "goVersion": "", "compiler": "swift", "platform": "linux/amd64",
        ]
    }
}
