import GatewayModel

/// The load-balancer controller of standalone mode: every `LoadBalancer` Service gets an
/// address from the pool in `status.loadBalancer.ingress`, as a cloud's would. Pure.
///
/// Services are served oldest first, in three passes (so addresses stay where they are):
/// 1. `spec.loadBalancerIP`, when in the pool and free;
/// 2. the address already in its status, when in the pool and free (stable across restarts:
///    the status is stored);
/// 3. the lowest free address.
/// A Service that is not a LoadBalancer (any more) has no ingress; a deleted one holds nothing.
public enum LoadBalancerAllocator {
    /// The ingress address each Service should show (nil: none), by `namespace/name`.
    public static func assign(_ services: [JSONValue], pool: AddressPool) -> [String: String?] {
        let candidates = pool.hostAddresses
        let inPool = Set(candidates)
        var holders: Set<String> = []
        var result: [String: String?] = [:]
        let balanced = services.filter { $0[path: ["spec", "type"]]?.stringValue == "LoadBalancer" }.sorted { left, right in
            (left[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", left.namespace ?? "", left.name ?? "")
                < (right[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", right.namespace ?? "", right.name ?? "")
        }
        for service in services where service[path: ["spec", "type"]]?.stringValue != "LoadBalancer" {
            result[key(service)] = .some(nil)
        }
        for service in balanced {
            guard let requested = service[path: ["spec", "loadBalancerIP"]]?.stringValue, !requested.isEmpty else { continue }
            if inPool.contains(requested) && holders.insert(requested).inserted {
                result[key(service)] = requested
            } else {
                result[key(service)] = .some(nil)  // asked for an address it cannot have: pending
            }
        }
        for service in balanced where result[key(service)] == nil {
            let current = (service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }
            if let kept = current.first(where: { inPool.contains($0) && !holders.contains($0) }) {
                holders.insert(kept)
                result[key(service)] = kept
            }
        }
        var next = candidates.startIndex
        for service in balanced where result[key(service)] == nil {
            while next < candidates.endIndex, holders.contains(candidates[next]) { next += 1 }
            guard next < candidates.endIndex else {
                result[key(service)] = .some(nil)
                continue
            }
            holders.insert(candidates[next])
            result[key(service)] = candidates[next]
        }
        return result
    }

    /// The `status.loadBalancer` value for an address.
    public static func loadBalancerStatus(_ address: String?) -> JSONValue {
        guard let address else { return .emptyObject }
        return ["ingress": [["ip": .string(address), "ipMode": "VIP"]]]
    }

    static func key(_ service: JSONValue) -> String { "\(service.namespace ?? "")/\(service.name ?? "")" }
}
