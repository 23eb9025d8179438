import GatewayModel

/// What the translator decided about one listener, before data plane state is folded in.
struct ListenerEvaluation {
    /// The listener as written.
    let listener: Listener
    /// Route kinds the listener accepts (after `allowedRoutes.kinds` filtering); none for a
    /// TLS listener whose port mixes termination modes (upstream expects an empty list).
    var supportedKinds: [RouteGroupKind]
    /// Why the listener cannot be accepted at all (unsupported protocol), if so.
    let protocolProblem: Problem?
    /// Route kinds named in `allowedRoutes.kinds` that Gatehouse does not serve on it.
    let invalidKinds: [RouteGroupKind]
    /// Why its certificates cannot be used (HTTPS), if so.
    let certificateProblem: Problem?
    /// The checked certificates it serves (HTTPS, when there is no certificate problem).
    let keyPairs: [CheckedKeyPair]
    /// Why it conflicts with another listener, if so.
    var conflict: Problem?
    /// It is a TLS listener on a port whose TLS listeners mix modes (not served; upstream
    /// expects `Accepted=False/ProtocolConflict` and no supportedKinds).
    var mixesTLSModes = false

    /// Routes of `kind` (of the Gateway API group) may attach (attachment ignores listener
    /// validity, as the spec requires for `attachedRoutes`).
    func accepts(kind: String) -> Bool {
        supportedKinds.contains { ($0.group ?? ResourceKinds.gatewayGroup) == ResourceKinds.gatewayGroup && $0.kind == kind }
    }

    /// The listener can be served: supported protocol, usable certificates, no conflict.
    var isServable: Bool { protocolProblem == nil && certificateProblem == nil && conflict == nil }

    /// Why it cannot be served, for `Programmed=False/Invalid` and the Gateway's message.
    var servingProblem: Problem? { protocolProblem ?? conflict ?? certificateProblem }

    /// `Accepted`.
    var accepted: Verdict {
        if let protocolProblem { return .no(Reason.unsupportedProtocol, protocolProblem.message) }
        // A conflicted listener is not accepted (the spec forbids picking a winner); its port
        // is taken by the listener it conflicts with.
        if let conflict { return .no(mixesTLSModes ? Reason.protocolConflict : Reason.portUnavailable, conflict.message) }
        return .yes(Reason.accepted, "Listener is valid")
    }

    /// `ResolvedRefs`.
    var resolvedRefs: Verdict {
        if let certificateProblem { return .no(certificateProblem.reason, certificateProblem.message) }
        if !invalidKinds.isEmpty {
            let names = invalidKinds.map { kind in kind.group.map { "\($0)/\(kind.kind)" } ?? kind.kind }
            let served = Listeners.servedKinds(forProtocol: listener.protocol).map(\.kind)
            let message = "Unsupported route kinds: \(names.joined(separator: ", "))"
                + (served.isEmpty ? "; this listener's protocol serves no route kind" : "; supported: \(served.joined(separator: ", "))")
            return .no(Reason.invalidRouteKinds, message)
        }
        return .yes(Reason.resolvedRefs, "All references resolved")
    }

    /// `Conflicted`.
    var conflicted: Verdict {
        if let conflict { return .yes(conflict.reason, conflict.message) }
        return .no(Reason.noConflicts, "No conflicts")
    }
}

/// Listener rules: protocols, route kinds, certificates and conflicts.
enum Listeners {
    /// Protocols Gatehouse serves today.
    static let servedProtocols = ["HTTP", "HTTPS", "TLS", "TCP"]

    /// Route kinds a protocol serves: HTTPRoute and GRPCRoute on HTTP and HTTPS (as upstream's
    /// conformance expects of both kinds), TLSRoute on TLS (both modes), TCPRoute on TCP.
    static func servedKinds(forProtocol protocolName: String) -> [RouteGroupKind] {
        switch protocolName {
        case "HTTP", "HTTPS":
            return [RouteGroupKind(group: ResourceKinds.gatewayGroup, kind: "HTTPRoute"),
                    RouteGroupKind(group: ResourceKinds.gatewayGroup, kind: GRPCRoutes.kind)]
        case "TLS":
            return [RouteGroupKind(group: ResourceKinds.gatewayGroup, kind: StreamRoutes.tlsKind)]
        case "TCP":
            return [RouteGroupKind(group: ResourceKinds.gatewayGroup, kind: StreamRoutes.tcpKind)]
        default:
            return []
        }
    }

    /// The TLS mode of a `TLS` listener: `Terminate` (the API's default) or `Passthrough`.
    static func tlsMode(_ listener: Listener) -> String { listener.tls?.mode ?? "Terminate" }

    /// True when the gateway terminates TLS on `listener`: HTTPS, or TLS in mode Terminate.
    static func terminatesTLS(_ listener: Listener) -> Bool {
        listener.protocol == "HTTPS" || (listener.protocol == "TLS" && tlsMode(listener) == "Terminate")
    }

    /// Evaluates every listener of `gateway`, in spec order, conflicts included.
    static func evaluate(_ gateway: Gateway, index: SnapshotIndex) -> [ListenerEvaluation] {
        let namespace = gateway.metadata?.namespace ?? ""
        var evaluations = gateway.spec.listeners.map { evaluate($0, gatewayNamespace: namespace, index: index) }
        markConflicts(&evaluations)
        return evaluations
    }

    static func evaluate(_ listener: Listener, gatewayNamespace: String, index: SnapshotIndex) -> ListenerEvaluation {
        let served = servedKinds(forProtocol: listener.protocol)
        var supported: [RouteGroupKind] = []
        var invalid: [RouteGroupKind] = []
        if let kinds = listener.allowedRoutes?.kinds, !kinds.isEmpty {
            for kind in kinds {
                let group = kind.group ?? ResourceKinds.gatewayGroup
                if served.contains(where: { $0.group == group && $0.kind == kind.kind }) {
                    let normalized = RouteGroupKind(group: group, kind: kind.kind)
                    if !supported.contains(normalized) { supported.append(normalized) }
                } else {
                    invalid.append(kind)
                }
            }
        } else {
            supported = served
        }
        let protocolProblem: Problem? = servedProtocols.contains(listener.protocol) ? nil
            : Problem(reason: Reason.unsupportedProtocol,
                      message: "Protocol \(listener.protocol) is not supported; supported protocols: \(servedProtocols.joined(separator: ", "))")
        let certificates = terminatesTLS(listener)
            ? Certificates.check(listener.tls, gatewayNamespace: gatewayNamespace, index: index,
                                 listenerKind: listener.protocol == "TLS" ? "A TLS listener in mode Terminate" : "An HTTPS listener")
            : nil
        return ListenerEvaluation(listener: listener, supportedKinds: supported, protocolProblem: protocolProblem,
                                  invalidKinds: invalid, certificateProblem: certificates?.problem,
                                  keyPairs: certificates?.keyPairs ?? [], conflict: nil)
    }

    /// Marks listeners that share a port with a different protocol (ProtocolConflict) or with
    /// the same protocol and hostname (HostnameConflict). Listeners of protocols Gatehouse does
    /// not serve are not accepted anyway and take no part.
    static func markConflicts(_ evaluations: inout [ListenerEvaluation]) {
        var positionsByPort: [Int32: [Int]] = [:]
        for (position, evaluation) in evaluations.enumerated() where evaluation.protocolProblem == nil {
            positionsByPort[evaluation.listener.port, default: []].append(position)
        }
        for position in evaluations.indices {
            let listener = evaluations[position].listener
            guard evaluations[position].protocolProblem == nil, let sharing = positionsByPort[listener.port] else { continue }
            let others = sharing.filter { $0 != position }.map { evaluations[$0].listener }
            let otherProtocols = others.filter { $0.protocol != listener.protocol }
            if !otherProtocols.isEmpty {
                evaluations[position].conflict = Problem(
                    reason: Reason.protocolConflict,
                    message: "Port \(listener.port) is also used with protocol \(otherProtocols[0].protocol) by listener \"\(otherProtocols[0].name)\"")
                continue
            }
            // TLS listeners of both modes on one port (TLSRouteModeMixed) are not served: each
            // is refused and supports no route kind, as upstream's conformance expects.
            if listener.protocol == "TLS", let other = others.first(where: { tlsMode($0) != tlsMode(listener) }) {
                evaluations[position].conflict = Problem(
                    reason: Reason.protocolConflict,
                    message: "Port \(listener.port) mixes TLS modes: listener \"\(other.name)\" uses mode \(tlsMode(other)) and this one \(tlsMode(listener)); Gatehouse serves one TLS mode per port")
                evaluations[position].supportedKinds = []
                evaluations[position].mixesTLSModes = true
                continue
            }
            if let twin = others.first(where: { ($0.hostname ?? "") == (listener.hostname ?? "") }) {
                let host = listener.hostname.map { "hostname \($0)" } ?? "no hostname"
                evaluations[position].conflict = Problem(
                    reason: Reason.hostnameConflict,
                    message: "Listener \"\(twin.name)\" also uses port \(listener.port), protocol \(listener.protocol) and \(host)")
            }
        }
    }
}
