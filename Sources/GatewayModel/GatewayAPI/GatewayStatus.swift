/// The observed state of a `Gateway`.
public struct GatewayStatus: Codable, Sendable, Hashable {
    /// Addresses the Gateway is reachable at (at most 16).
    public var addresses: [GatewayStatusAddress]?
    /// `Accepted`, `Programmed`, ... (at most 8, unique by type).
    public var conditions: [Condition]?
    /// One entry per listener (at most 64, unique by name).
    public var listeners: [ListenerStatus]?
    /// Number of attached ListenerSets (experimental).
    public var attachedListenerSets: Int32?

    /// Creates a status.
    public init(
        addresses: [GatewayStatusAddress]? = nil, conditions: [Condition]? = nil,
        listeners: [ListenerStatus]? = nil, attachedListenerSets: Int32? = nil
    ) {
        self.addresses = addresses
        self.conditions = conditions
        self.listeners = listeners
        self.attachedListenerSets = attachedListenerSets
    }
}

/// An address bound to a Gateway.
public struct GatewayStatusAddress: Codable, Sendable, Hashable {
    /// `IPAddress` (default), `Hostname`, ...
    public var type: String?
    /// The address.
    public var value: String

    /// Creates an address.
    public init(type: String? = "IPAddress", value: String) {
        self.type = type
        self.value = value
    }
}

/// The status of one listener.
public struct ListenerStatus: Codable, Sendable, Hashable {
    /// The listener's name.
    public var name: String
    /// Route kinds the listener accepts (at most 8).
    public var supportedKinds: [RouteGroupKind]?
    /// Number of routes attached and accepted.
    public var attachedRoutes: Int32
    /// `Accepted`, `Programmed`, `ResolvedRefs`, `Conflicted`, ... (at most 8).
    public var conditions: [Condition]

    /// Creates a listener status.
    public init(name: String, supportedKinds: [RouteGroupKind]? = nil, attachedRoutes: Int32 = 0, conditions: [Condition] = []) {
        self.name = name
        self.supportedKinds = supportedKinds
        self.attachedRoutes = attachedRoutes
        self.conditions = conditions
    }
}
