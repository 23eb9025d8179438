import GatewayModel

/// The service IP allocation a Kubernetes API server does, for standalone: every Service that
/// needs a cluster IP (type ClusterIP, NodePort or LoadBalancer; not headless, not
/// ExternalName) and has none gets the lowest free address of the service pool, in
/// `spec.clusterIP` and `spec.clusterIPs`. Addresses already held are never handed out twice. Pure.
public enum ServiceIPAllocator {
    /// The cluster IP each Service without one should get, by `namespace/name` (Services the
    /// pool has no room for are left out).
    public static func assign(_ services: [JSONValue], pool: AddressPool) -> [String: String] {
        let size = UInt64(1) << (32 - pool.prefixLength)
        guard size > 2 else { return [:] }
        let first = pool.network + 1, last = pool.network + UInt32(size - 2)
        var held: Set<UInt32> = []
        var needing: [JSONValue] = []
        for service in services {
            let type = service[path: ["spec", "type"]]?.stringValue ?? "ClusterIP"
            guard type != "ExternalName" else { continue }
            let current = service[path: ["spec", "clusterIP"]]?.stringValue ?? ""
            if current.isEmpty {
                needing.append(service)
            } else if let address = AddressPool.parseIPv4(current) {
                held.insert(address)
            }
        }
        var result: [String: String] = [:]
        var next = first
        let ordered = needing.sorted { left, right in
            (left[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", left.namespace ?? "", left.name ?? "")
                < (right[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", right.namespace ?? "", right.name ?? "")
        }
        for service in ordered {
            while next <= last, held.contains(next) { next += 1 }
            guard next <= last else { break }
            held.insert(next)
            result["\(service.namespace ?? "")/\(service.name ?? "")"] = AddressPool.format(next)
            next += 1
        }
        return result
    }
}
