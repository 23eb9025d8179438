/// `metav1.Condition`: one aspect of an object's state, as written by its controller.
public struct Condition: Codable, Sendable, Hashable {
    /// Condition type in CamelCase or `domain/CamelCase` (`Accepted`, `Programmed`, ...).
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    /// The `metadata.generation` the condition was set for.
    public var observedGeneration: Int64?
    /// When the status last changed (RFC 3339).
    public var lastTransitionTime: String
    /// Machine-readable CamelCase reason.
    public var reason: String
    /// Human-readable detail (may be empty).
    public var message: String

    /// Creates a condition.
    public init(
        type: String, status: String, observedGeneration: Int64? = nil, lastTransitionTime: String,
        reason: String, message: String = ""
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    /// The values allowed for `status`.
    public static let statuses = ["True", "False", "Unknown"]
}

/// `metav1.LabelSelector`: selects objects by labels.
public struct LabelSelector: Codable, Sendable, Hashable {
    /// Labels that must all be present with these values.
    public var matchLabels: [String: String]?
    /// Set-based requirements, all of which must hold.
    public var matchExpressions: [LabelSelectorRequirement]?

    /// Creates a selector.
    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// One set-based requirement of a `LabelSelector`.
public struct LabelSelectorRequirement: Codable, Sendable, Hashable {
    /// The label key.
    public var key: String
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public var `operator`: String
    /// Values for `In`/`NotIn`; empty for `Exists`/`DoesNotExist`.
    public var values: [String]?

    /// Creates a requirement.
    public init(key: String, operator: String, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// The operators Kubernetes accepts.
    public static let operators = ["In", "NotIn", "Exists", "DoesNotExist"]
}
