import GatewayModel

/// What a request path names, in the Kubernetes URL scheme.
enum APIRoute: Equatable {
    /// `/api`
    case coreVersions
    /// `/apis`
    case groupList
    /// `/apis/<group>`
    case group(String)
    /// `/api/v1` or `/apis/<group>/<version>`
    case resourceList(group: String, version: String)
    /// A collection, an object or an object's subresource.
    case resource(ResourceTarget)
    /// `/readyz`, `/livez`, `/healthz`
    case health
    /// `/version`
    case version
    /// `/openapi/v3`
    case openAPIRoot
    /// `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/<version>`
    case openAPIDocument(group: String, version: String)
    /// Anything else.
    case unknown

    /// Parses a path (without query).
    static func parse(_ path: String) -> APIRoute {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch segments.first {
        case "readyz", "livez", "healthz":
            return .health
        case "version":
            return .version
        case "openapi":
            guard segments.count >= 2, segments[1] == "v3" else { return .unknown }
            if segments.count == 2 { return .openAPIRoot }
            if segments.count == 4, segments[2] == "api" { return .openAPIDocument(group: "", version: segments[3]) }
            if segments.count == 5, segments[2] == "apis" { return .openAPIDocument(group: segments[3], version: segments[4]) }
            return .unknown
        case "api":
            if segments.count == 1 { return .coreVersions }
            if segments.count == 2 { return .resourceList(group: "", version: segments[1]) }
            return resource(group: "", version: segments[1], rest: Array(segments.dropFirst(2)))
        case "apis":
            if segments.count == 1 { return .groupList }
            if segments.count == 2 { return .group(segments[1]) }
            if segments.count == 3 { return .resourceList(group: segments[1], version: segments[2]) }
            return resource(group: segments[1], version: segments[2], rest: Array(segments.dropFirst(3)))
        default:
            return .unknown
        }
    }

    private static func resource(group: String, version: String, rest: [String]) -> APIRoute {
        var namespace: String?
        var rest = rest
        // `namespaces/<ns>/<plural>...` names a namespaced collection, unless what follows the
        // namespace name is one of the namespace's own subresources.
        if rest.count >= 3, rest[0] == "namespaces", group.isEmpty || rest[0] == "namespaces" {
            let isNamespaceSubresource = group.isEmpty && rest.count == 3 && ["status", "finalize"].contains(rest[2])
            if !isNamespaceSubresource {
                namespace = rest[1]
                rest.removeFirst(2)
            }
        }
        guard let plural = rest.first, rest.count <= 3 else { return .unknown }
        let target = ResourceTarget(
            group: group, version: version, plural: plural, namespace: namespace,
            name: rest.count > 1 ? rest[1] : nil, subresource: rest.count > 2 ? rest[2] : nil)
        return .resource(target)
    }
}

/// A resource URL broken into its parts.
struct ResourceTarget: Equatable {
    var group: String
    var version: String
    var plural: String
    var namespace: String?
    var name: String?
    var subresource: String?

    /// The served kind, if any.
    var kind: ResourceKind? { ResourceKinds.lookup(group: group, version: version, plural: plural) }

    /// `apiVersion` of this URL's version.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}
