import GatewayModel

/// Deterministic address assignment from the pool.
///
/// Gateways are served oldest first (creationTimestamp, then namespace/name), in three passes,
/// so that a Gateway keeps its address across translations:
/// 1. a statically requested address, if it is in the pool and still free;
/// 2. the address already in the Gateway's status, if it is in the pool and still free;
/// 3. the lowest free address.
/// Addresses LoadBalancer Services that no Gateway generated already hold are never handed out.
/// Pass 2 runs for every Gateway before pass 3 hands out any address: otherwise an older
/// Gateway without an address could take the address a younger one already holds.
enum Addresses {
    static func assign(_ gateways: inout [GatewayEvaluation], pool: AddressPool?, services: [Service] = []) {
        guard let pool else {
            fromServices(&gateways, services: services)
            return
        }
        let order = gateways.indices.filter { gateways[$0].accepted.isTrue }.sorted { lhs, rhs in
            let left = gateways[lhs], right = gateways[rhs]
            return (left.gateway.metadata?.creationTimestamp ?? "", left.namespace, left.name)
                < (right.gateway.metadata?.creationTimestamp ?? "", right.namespace, right.name)
        }
        let candidates = pool.hostAddresses
        let inPool = Set(candidates)
        var holders: [String: String] = [:]  // address -> "namespace/name"
        // LoadBalancer Services of the users' own hold pool addresses too (the local
        // load-balancer allocator gave them out): a Gateway must not get one of those.
        for service in services where service.spec?.type == "LoadBalancer" && service.metadata?.labels?[GeneratedLabels.gatewayName] == nil {
            for ingress in service.status?.loadBalancer?.ingress ?? [] {
                if let address = ingress.ip { holders[address] = "Service \(service.metadata?.namespace ?? "")/\(service.metadata?.name ?? "")" }
            }
        }

        for position in order {
            guard let requested = gateways[position].requestedAddress else { continue }
            if !inPool.contains(requested) {
                gateways[position].addressProblem = Problem(
                    reason: Reason.addressNotUsable, message: "Address \(requested) is not in the address pool \(pool)")
            } else if let holder = holders[requested] {
                gateways[position].addressProblem = Problem(
                    reason: Reason.addressNotUsable, message: "Address \(requested) is already used by \(holder.hasPrefix("Service ") ? holder : "Gateway \(holder)")")
            } else {
                holders[requested] = gateways[position].key
                gateways[position].address = requested
            }
        }
        for position in order where gateways[position].requestedAddress == nil {
            let current = (gateways[position].gateway.status?.addresses ?? [])
                .filter { ($0.type ?? "IPAddress") == "IPAddress" }.map(\.value)
            if let kept = current.first(where: { inPool.contains($0) && holders[$0] == nil }) {
                holders[kept] = gateways[position].key
                gateways[position].address = kept
            }
        }
        var next = candidates.startIndex
        for position in order where gateways[position].requestedAddress == nil && gateways[position].address == nil {
            while next < candidates.endIndex, holders[candidates[next]] != nil { next += 1 }
            guard next < candidates.endIndex else {
                gateways[position].addressProblem = Problem(
                    reason: Reason.addressNotAssigned, message: "The address pool \(pool) has no free address")
                continue
            }
            holders[candidates[next]] = gateways[position].key
            gateways[position].address = candidates[next]
        }
    }

    /// Without a pool (Kubernetes), as Kuma does: a Gateway's address is what the load balancer
    /// of its generated Service (same name and namespace, labelled with its name) reports, or
    /// the Service's cluster IP when it is not a LoadBalancer; until there is one, `Programmed`
    /// waits for it.
    static func fromServices(_ gateways: inout [GatewayEvaluation], services: [Service]) {
        var byKey: [String: Service] = [:]
        for service in services where service.metadata?.labels?[GeneratedLabels.gatewayName] != nil {
            byKey[objectPath(service.metadata?.namespace ?? "", service.metadata?.name ?? "")] = service
        }
        for position in gateways.indices where gateways[position].accepted.isTrue {
            let service = byKey[gateways[position].key]
            let ingress = service?.status?.loadBalancer?.ingress ?? []
            if let address = ingress.compactMap(\.ip).first(where: { AddressPool.parseIPv4($0) != nil }) {
                gateways[position].serviceAddress = address
            } else if let service, service.spec?.type != "LoadBalancer", let clusterIP = service.spec?.clusterIP,
                      AddressPool.parseIPv4(clusterIP) != nil {
                // A ClusterIP or NodePort gateway (cross-mesh) is reached at its cluster IP.
                gateways[position].serviceAddress = clusterIP
            } else {
                gateways[position].addressProblem = Problem(
                    reason: Reason.addressNotAssigned,
                    message: "Waiting for the load balancer of Service \(gateways[position].key) to report an address")
            }
        }
    }
}
