/// Keeping a snapshot current from store change events, so a pass does not rebuild (and
/// re-sort) every list from the whole store: one change costs one decode and one insertion.
extension ResourceSnapshot {
    /// Applies one stored change: `object` is the object's new state, nil when it was deleted.
    /// Kinds the pipeline does not read are ignored; so are generated MeshHTTPRoutes and
    /// MeshTCPRoutes (the translator's own output). An object that does not decode is removed from its list and
    /// recorded in `undecodable`, like the initial build does.
    public mutating func apply(key: ObjectKey, object: JSONValue?) {
        undecodable.removeAll { $0 == key }
        var object = object
        if key.plural == "meshhttproutes" || key.plural == "meshtcproutes",
           object?[path: ["metadata", "labels", GeneratedLabels.managedBy]] != nil {
            object = nil
        }
        do {
            switch (key.group, key.plural) {
            case (ResourceKinds.gatewayGroup, "gatewayclasses"): try Self.place(object, key, in: &gatewayClasses)
            case (ResourceKinds.gatewayGroup, "gateways"): try Self.place(object, key, in: &gateways)
            case (ResourceKinds.gatewayGroup, "httproutes"): try Self.place(object, key, in: &httpRoutes) { Self.share(&$0.status) }
            case (ResourceKinds.gatewayGroup, "grpcroutes"): try Self.place(object, key, in: &grpcRoutes) { Self.share(&$0.status) }
            case (ResourceKinds.gatewayGroup, "tlsroutes"): try Self.place(object, key, in: &tlsRoutes) { Self.share(&$0.status) }
            case (ResourceKinds.gatewayGroup, "tcproutes"): try Self.place(object, key, in: &tcpRoutes) { Self.share(&$0.status) }
            case (ResourceKinds.gatewayGroup, "referencegrants"): try Self.place(object, key, in: &referenceGrants)
            case ("", "namespaces"): try Self.place(object, key, in: &namespaces)
            case ("", "services"): try Self.place(object, key, in: &services)
            case ("discovery.k8s.io", "endpointslices"): try Self.place(object, key, in: &endpointSlices)
            case ("", "secrets"): try Self.place(object, key, in: &secrets)
            case (ResourceKinds.kumaGroup, "meshgatewayconfigs"): try Self.place(object, key, in: &meshGatewayConfigs)
            case (ResourceKinds.kumaGroup, "meshhttproutes"): try Self.place(object, key, in: &meshHTTPRoutes)
            case (ResourceKinds.kumaGroup, "meshtcproutes"): try Self.place(object, key, in: &meshTCPRoutes)
            case (ResourceKinds.kumaGroup, "dataplanes"): try Self.place(object, key, in: &meshDataplanes)
            case (ResourceKinds.kumaGroup, "meshes"): try Self.place(object, key, in: &meshes)
            default: return
            }
        } catch {
            undecodable.append(key)
            undecodable.sort()
        }
    }

    /// Replaces, inserts or removes the element stored under `key`, keeping `list` sorted by
    /// namespace/name (the `ObjectKey` order within one kind). A value that fails to decode
    /// removes the old element before the error is thrown.
    private static func place<T: Decodable & SnapshotElement>(_ object: JSONValue?, _ key: ObjectKey, in list: inout [T],
                                                               sharing share: (inout T) -> Void = { _ in }) throws {
        let position = insertionPoint(of: key, in: list)
        let present = position < list.count && elementKey(list[position], kind: key) == key
        guard let object else {
            if present { list.remove(at: position) }
            return
        }
        var value: T
        do {
            value = try object.decode(T.self)
        } catch {
            if present { list.remove(at: position) }
            throw error
        }
        share(&value)
        if present { list[position] = value } else { list.insert(value, at: position) }
    }

    /// Equal route statuses, held once across the snapshot (thousands of routes accepted by one
    /// Gateway in the same second have equal ones; each decoded its own copy of the arrays).
    private static let routeStatuses = SharedValues<RouteStatus>()

    private static func share(_ status: inout RouteStatus?) {
        if let decoded = status { status = routeStatuses.shared(decoded) }
    }

    /// The first position whose key is not below `key` (binary search).
    private static func insertionPoint<T: SnapshotElement>(of key: ObjectKey, in list: [T]) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if elementKey(list[middle], kind: key) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func elementKey<T: SnapshotElement>(_ element: T, kind key: ObjectKey) -> ObjectKey {
        ObjectKey(group: key.group, plural: key.plural, namespace: key.namespace.isEmpty ? "" : element.metadata?.namespace ?? "",
                  name: element.metadata?.name ?? "")
    }
}

/// A typed object a snapshot lists (every such type carries its metadata).
protocol SnapshotElement {
    var metadata: ObjectMeta? { get }
}

extension GatewayClass: SnapshotElement {}
extension Gateway: SnapshotElement {}
extension HTTPRoute: SnapshotElement {}
extension GRPCRoute: SnapshotElement {}
extension TLSRoute: SnapshotElement {}
extension TCPRoute: SnapshotElement {}
extension ReferenceGrant: SnapshotElement {}
extension Namespace: SnapshotElement {}
extension Service: SnapshotElement {}
extension EndpointSlice: SnapshotElement {}
extension Secret: SnapshotElement {}
extension MeshGatewayConfig: SnapshotElement {}
extension MeshHTTPRoute: SnapshotElement {}
extension MeshTCPRoute: SnapshotElement {}
extension Dataplane: SnapshotElement {}
extension Mesh: SnapshotElement {}
