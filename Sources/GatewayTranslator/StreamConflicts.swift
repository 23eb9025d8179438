import GatewayModel

/// Several stream routes competing for the same connections: TCPRoutes on one TCP listener
/// (a TCP listener cannot tell connections apart), TLSRoutes with the same SNI name (or
/// none) on one TLS port.
///
/// The Gateway API decides these by age: GEP-2644 ("Multiple TCPRoutes attaching to the same
/// listener") says the oldest route by `creationTimestamp`, then `namespace/name`, receives
/// the traffic and "All attached TCPRoutes are `Accepted`"; upstream's
/// TCPRouteMultipleRoutesAttachment conformance test checks exactly that (both `Accepted=True`,
/// the listener's `attachedRoutes` counting both, every connection to the older route's
/// backend), and Envoy Gateway does the same. The Gateway API's general conflict rule gives a
/// contested hostname to the oldest route the same way, so TLSRoutes follow it per SNI name.
/// The Envoy stage serves exactly this (`StreamListeners`: routes oldest first, a name or the
/// catch-all chain claimed once per port, one route per TCP listener).
///
/// Staying `Accepted` without a word would hide that a route gets nothing (GEP-2644 itself
/// calls that "not optimal for user experience"), so each superseded parent entry also gets
/// the condition `gatehouse.io/Superseded=True` (reason `OlderRouteServed`, a Gatehouse
/// extension, domain-prefixed as implementation-specific conditions should be) naming the
/// listener or SNI names and the route that gets them instead.
enum StreamConflicts {
    /// The condition type of a superseded parent entry.
    static let conditionType = "gatehouse.io/Superseded"
    /// Its reason.
    static let reason = "OlderRouteServed"

    /// One accepted stream route: its memo key (`tlsroute/<ns>/<name>`, `tcproute/...`, also
    /// the `gatehouse.io/source` of its MeshTCPRoutes), its creation time, its evaluation.
    struct Candidate {
        let key: String
        let created: String
        let evaluation: RouteEvaluation
    }

    /// What one route loses on one listener, in words.
    private struct Loss {
        let gatewayPosition: Int
        let listenerPosition: Int
        let message: String
    }

    /// For each superseded route (by key), the messages of its parent entries (by position in
    /// `evaluation.parents`, several losses of one entry joined).
    static func find(_ candidates: [Candidate], gateways: [GatewayEvaluation]) -> [String: [Int: String]] {
        // Oldest first, as the Envoy stage orders MeshTCPRoutes (creation time, then source).
        let ordered = candidates.sorted { ($0.created, $0.key) < ($1.created, $1.key) }
        var losses: [String: [Loss]] = [:]
        for (gatewayPosition, gateway) in gateways.enumerated() {
            for protocolName in ["TLS", "TCP"] {
                let positions = gateway.listeners.indices.filter {
                    gateway.listeners[$0].isServable && gateway.listeners[$0].listener.protocol == protocolName
                }
                for port in Set(positions.map { gateway.listeners[$0].listener.port }).sorted() {
                    let onPort = positions.filter { gateway.listeners[$0].listener.port == port }
                        .sorted { gateway.listeners[$0].listener.name < gateway.listeners[$1].listener.name }
                    var claims = Claims()
                    for listenerPosition in onPort {
                        let listener = gateway.listeners[listenerPosition].listener
                        for candidate in ordered {
                            guard let attachment = candidate.evaluation.attachments.first(where: {
                                $0.gatewayPosition == gatewayPosition && $0.listenerPosition == listenerPosition
                            }) else { continue }
                            let lost = protocolName == "TCP"
                                ? claims.tcp(candidate.key, listener: listener, gateway: gateway)
                                : claims.tls(candidate.key, names: serverNames(attachment.hostnames, listener: listener),
                                             port: Int(port), gateway: gateway)
                            if let lost {
                                losses[candidate.key, default: []].append(Loss(gatewayPosition: gatewayPosition,
                                                                               listenerPosition: listenerPosition, message: lost))
                            }
                        }
                    }
                }
            }
        }
        var result: [String: [Int: String]] = [:]
        for candidate in ordered {
            guard let routeLosses = losses[candidate.key] else { continue }
            var messages: [Int: [String]] = [:]
            for loss in routeLosses {
                let gateway = gateways[loss.gatewayPosition]
                let listener = gateway.listeners[loss.listenerPosition].listener
                for (position, parent) in candidate.evaluation.parents.enumerated()
                    where refers(parent.parentRef, to: gateway, listener: listener, routeNamespace: candidate.evaluation.route.metadata?.namespace ?? "") {
                    messages[position, default: []].append(loss.message)
                }
            }
            result[candidate.key] = messages.mapValues { $0.joined(separator: "; ") }
        }
        return result
    }

    /// `update` (a superseded route's status) with `gatehouse.io/Superseded=True` added to the
    /// parent entries `messages` names.
    static func marked(_ update: StatusUpdate, evaluation: RouteEvaluation, messages: [Int: String]) -> StatusUpdate {
        var marked = evaluation
        let generation = evaluation.route.metadata?.generation
        for (position, message) in messages where marked.parents.indices.contains(position) {
            marked.parents[position].conditions.append(Verdict.yes(reason, message).condition(conditionType, generation: generation))
        }
        return StatusUpdate(key: update.key, status: HTTPRoutes.status(marked))
    }

    /// The SNI names a TLSRoute's chain matches on a listener (as `StreamListeners.serverNames`):
    /// its hostnames there, else the listener's hostname, else none (the catch-all chain).
    static func serverNames(_ hostnames: [String]?, listener: Listener) -> [String] {
        var unique: [String] = []
        for hostname in hostnames ?? [] where !unique.contains(hostname) { unique.append(hostname) }
        if unique.isEmpty, let hostname = listener.hostname { unique = [hostname] }
        return unique
    }

    /// True when a status entry's parentRef selects `listener` of `gateway`.
    static func refers(_ reference: ParentReference, to gateway: GatewayEvaluation, listener: Listener, routeNamespace: String) -> Bool {
        guard reference.kind == "Gateway", reference.name == gateway.name, (reference.namespace ?? routeNamespace) == gateway.namespace
        else { return false }
        return (reference.sectionName.map { $0 == listener.name } ?? true) && (reference.port.map { $0 == listener.port } ?? true)
    }

    /// Who got what on one port, in the order routes are offered to it.
    private struct Claims {
        /// SNI name -> route key.
        var names: [String: String] = [:]
        /// The route of the catch-all TLS chain (no SNI name).
        var catchAll: String?
        /// TCP listener name -> route key.
        var tcpWinners: [String: String] = [:]

        /// A TCPRoute offered to a TCP listener: the first one wins it.
        mutating func tcp(_ key: String, listener: Listener, gateway: GatewayEvaluation) -> String? {
            guard let winner = tcpWinners[listener.name] else {
                tcpWinners[listener.name] = key
                return nil
            }
            return "TCP listener \(listener.name) of Gateway \(gateway.key) serves only its oldest TCPRoute, \(display(winner)) "
                + "(GEP-2644: by creationTimestamp, then namespace/name); this route gets no connections there"
        }

        /// A TLSRoute offered its SNI names on a port: the names not claimed yet are its own.
        mutating func tls(_ key: String, names: [String], port: Int, gateway: GatewayEvaluation) -> String? {
            guard !names.isEmpty else {
                guard let winner = catchAll else {
                    catchAll = key
                    return nil
                }
                return "connections to port \(port) of Gateway \(gateway.key) whose SNI no other route names go to the older TLSRoute \(display(winner)); this route gets none"
            }
            var lostTo: [(name: String, winner: String)] = []
            for name in names {
                if let winner = self.names[name] { lostTo.append((name, winner)) } else { self.names[name] = key }
            }
            guard !lostTo.isEmpty else { return nil }
            let winners = Array(Set(lostTo.map(\.winner))).sorted()
            let described = winners.map { winner in
                let taken = lostTo.filter { $0.winner == winner }.map(\.name).joined(separator: ", ")
                return "\(taken) to \(display(winner))"
            }.joined(separator: ", ")
            let all = lostTo.count == names.count
            return "SNI name\(lostTo.count == 1 ? "" : "s") on port \(port) of Gateway \(gateway.key) already served by an older TLSRoute "
                + "(by creationTimestamp, then namespace/name): \(described); this route gets \(all ? "no connections there" : "only the others")"
        }

        /// `tcproute/ns/name` as `ns/name`.
        private func display(_ key: String) -> String {
            key.split(separator: "/", maxSplits: 1).last.map(String.init) ?? key
        }
    }
}
