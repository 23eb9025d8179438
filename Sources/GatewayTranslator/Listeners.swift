import Foundation
import GatewayModel

/// What the translator decided about one listener, before data plane state is folded in.
struct ListenerEvaluation {
    /// The listener as written.
    let listener: Listener
    /// Route kinds the listener accepts (after `allowedRoutes.kinds` filtering).
    let supportedKinds: [RouteGroupKind]
    /// Why the listener cannot be accepted at all (unsupported protocol), if so.
    let protocolProblem: Problem?
    /// Route kinds named in `allowedRoutes.kinds` that Gatehouse does not serve on it.
    let invalidKinds: [RouteGroupKind]
    /// Why its certificates cannot be used (HTTPS), if so.
    let certificateProblem: Problem?
    /// Why it conflicts with another listener, if so.
    var conflict: Problem?

    /// HTTPRoutes may attach (attachment ignores listener validity, as the spec requires for
    /// `attachedRoutes`).
    var acceptsHTTPRoutes: Bool {
        supportedKinds.contains { ($0.group ?? ResourceKinds.gatewayGroup) == ResourceKinds.gatewayGroup && $0.kind == "HTTPRoute" }
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
        if let conflict { return .no(Reason.portUnavailable, conflict.message) }
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
    static let servedProtocols = ["HTTP", "HTTPS"]

    /// Route kinds a protocol serves (GRPCRoute is not implemented yet).
    static func servedKinds(forProtocol protocolName: String) -> [RouteGroupKind] {
        servedProtocols.contains(protocolName) ? [RouteGroupKind(group: ResourceKinds.gatewayGroup, kind: "HTTPRoute")] : []
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
        let certificateProblem = listener.protocol == "HTTPS"
            ? Certificates.problem(listener.tls, gatewayNamespace: gatewayNamespace, index: index) : nil
        return ListenerEvaluation(listener: listener, supportedKinds: supported, protocolProblem: protocolProblem,
                                  invalidKinds: invalid, certificateProblem: certificateProblem, conflict: nil)
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
            if let twin = others.first(where: { ($0.hostname ?? "") == (listener.hostname ?? "") }) {
                let host = listener.hostname.map { "hostname \($0)" } ?? "no hostname"
                evaluations[position].conflict = Problem(
                    reason: Reason.hostnameConflict,
                    message: "Listener \"\(twin.name)\" also uses port \(listener.port), protocol \(listener.protocol) and \(host)")
            }
        }
    }
}

/// Certificate checks for HTTPS listeners (cheap ones: existence, kind, grants, PEM shape).
/// Serving the certificates is the Envoy stage's job; secret material never leaves here.
enum Certificates {
    /// Why the listener's certificates cannot be used, or nil when they can.
    static func problem(_ tls: ListenerTLSConfig?, gatewayNamespace: String, index: SnapshotIndex) -> Problem? {
        guard let references = tls?.certificateRefs, !references.isEmpty else {
            return Problem(reason: Reason.invalidCertificateRef, message: "An HTTPS listener needs at least one certificateRef")
        }
        for reference in references {
            if let problem = problem(reference, gatewayNamespace: gatewayNamespace, index: index) { return problem }
        }
        return nil
    }

    static func problem(_ reference: SecretObjectReference, gatewayNamespace: String, index: SnapshotIndex) -> Problem? {
        let group = reference.group ?? ""
        let kind = reference.kind ?? "Secret"
        let namespace = reference.namespace ?? gatewayNamespace
        let described = "\(namespace)/\(reference.name)"
        guard group.isEmpty, kind == "Secret" else {
            return Problem(reason: Reason.invalidCertificateRef,
                           message: "certificateRef \(described) must be a core Secret, not \(kind) of group \"\(group)\"")
        }
        let permitted = ReferenceGrants.permits(
            index, from: ReferenceEnd(group: ResourceKinds.gatewayGroup, kind: "Gateway", namespace: gatewayNamespace),
            to: ReferenceEnd(group: "", kind: "Secret", namespace: namespace, name: reference.name))
        guard permitted else {
            return Problem(reason: Reason.refNotPermitted,
                           message: "certificateRef to Secret \(described) is not permitted by any ReferenceGrant")
        }
        guard let secret = index.secrets[objectPath(namespace, reference.name)] else {
            return Problem(reason: Reason.invalidCertificateRef, message: "Secret \(described) does not exist")
        }
        guard isUsableKeyPair(secret) else {
            return Problem(reason: Reason.invalidCertificateRef,
                           message: "Secret \(described) must hold a PEM certificate in tls.crt and a PEM private key in tls.key")
        }
        return nil
    }

    /// A TLS secret whose `tls.crt` holds a PEM certificate and `tls.key` a PEM private key.
    static func isUsableKeyPair(_ secret: Secret) -> Bool {
        guard let certificate = decodedText(secret, key: "tls.crt"), let key = decodedText(secret, key: "tls.key") else { return false }
        return certificate.contains("-----BEGIN CERTIFICATE-----") && key.contains("-----BEGIN ") && key.contains("PRIVATE KEY-----")
    }

    private static func decodedText(_ secret: Secret, key: String) -> String? {
        if let text = secret.stringData?[key] { return text }
        guard let encoded = secret.data?[key], let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
