import GatewayModel

/// Condition types and reasons of Gateway API v1.6 used by the translator, and helpers that
/// build `Condition` values the same way everywhere.
enum ConditionType {
    static let accepted = "Accepted"
    static let programmed = "Programmed"
    static let resolvedRefs = "ResolvedRefs"
    static let conflicted = "Conflicted"
    static let supportedVersion = "SupportedVersion"
    static let partiallyInvalid = "PartiallyInvalid"
}

/// Reasons, named as in `apis/v1/*_types.go`.
enum Reason {
    static let accepted = "Accepted"
    static let invalidParameters = "InvalidParameters"
    static let supportedVersion = "SupportedVersion"
    static let listenersNotValid = "ListenersNotValid"
    static let unsupportedAddress = "UnsupportedAddress"
    static let invalid = "Invalid"
    static let programmed = "Programmed"
    static let pending = "Pending"
    /// `Programmed=False`: no replica of the Gateway is serving (as Envoy Gateway reports an
    /// unavailable Deployment).
    static let noResources = "NoResources"
    static let addressNotAssigned = "AddressNotAssigned"
    static let addressNotUsable = "AddressNotUsable"
    static let portUnavailable = "PortUnavailable"
    static let unsupportedProtocol = "UnsupportedProtocol"
    static let resolvedRefs = "ResolvedRefs"
    static let invalidRouteKinds = "InvalidRouteKinds"
    static let invalidCertificateRef = "InvalidCertificateRef"
    static let refNotPermitted = "RefNotPermitted"
    static let noConflicts = "NoConflicts"
    static let hostnameConflict = "HostnameConflict"
    static let protocolConflict = "ProtocolConflict"
    static let notAllowedByListeners = "NotAllowedByListeners"
    static let noMatchingListenerHostname = "NoMatchingListenerHostname"
    static let noMatchingParent = "NoMatchingParent"
    static let unsupportedValue = "UnsupportedValue"
    static let backendNotFound = "BackendNotFound"
    static let invalidKind = "InvalidKind"
    /// A route and its parent Gateway are in different meshes (Gatehouse's reason: a mesh's
    /// routes reach only that mesh's gateways; Kuma accepted such a route and routed nothing).
    static let meshMismatch = "MeshMismatch"
}

/// A condition's verdict before it is stamped with a generation: status, reason, message.
struct Verdict: Hashable, Sendable {
    /// True or False (the translator never reports Unknown: it always knows).
    var isTrue: Bool
    /// CamelCase reason.
    var reason: String
    /// Human-readable detail.
    var message: String

    static func yes(_ reason: String, _ message: String) -> Verdict { Verdict(isTrue: true, reason: reason, message: message) }
    static func no(_ reason: String, _ message: String) -> Verdict { Verdict(isTrue: false, reason: reason, message: message) }

    /// The condition of `type` for an object at `generation`. `lastTransitionTime` stays empty:
    /// the status writer fills it (the translator has no clock).
    func condition(_ type: String, generation: Int64?) -> Condition {
        Condition(type: type, status: isTrue ? "True" : "False", observedGeneration: generation,
                  lastTransitionTime: "", reason: reason, message: message)
    }
}

/// A reason and message explaining why something is not usable.
struct Problem: Hashable, Sendable {
    /// CamelCase reason for the condition that reports it.
    var reason: String
    /// Human-readable detail.
    var message: String
}
