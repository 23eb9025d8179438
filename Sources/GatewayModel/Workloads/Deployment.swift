/// `apps/v1` `Deployment`: a gateway's pods (generated from its MeshGatewayInstance).
public struct Deployment: ValidatedResource, Hashable {
    /// `apps/v1`.
    public var apiVersion: String?
    /// `Deployment`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The desired state.
    public var spec: DeploymentSpec?
    /// The observed state, written by the Deployment controller.
    public var status: JSONValue?

    /// Checks the deployment as `ValidateDeployment` / `ValidateDeploymentUpdate` do, for the
    /// fields the local runtime acts on.
    public func validate(old: Deployment?) -> [FieldCause] {
        let path = FieldPath("spec")
        guard let spec else { return [.required("spec.selector"), .required("spec.template.spec.containers")] }
        var causes: [FieldCause] = []
        if let replicas = spec.replicas, replicas < 0 {
            causes.append(.invalid("spec.replicas", value: .integer(Int64(replicas)), "must be greater than or equal to 0"))
        }
        for (field, value) in [("minReadySeconds", spec.minReadySeconds), ("revisionHistoryLimit", spec.revisionHistoryLimit)] {
            if let value, value < 0 { causes.append(.invalid("spec.\(field)", value: .integer(Int64(value)), "must be greater than or equal to 0")) }
        }
        if let selector = spec.selector {
            if selector.isEmpty {
                causes.append(.invalid("spec.selector", value: nil, "empty selector is invalid for deployment"))
            } else if !selector.matches(spec.template?.metadata?.labels ?? [:]) {
                causes.append(.invalid("spec.template.metadata.labels", value: .object((spec.template?.metadata?.labels ?? [:]).mapValues { .string($0) }),
                                       "`selector` does not match template `labels`"))
            }
        } else {
            causes.append(.required("spec.selector"))
        }
        causes += PodSpecRules.validate(spec.template?.spec, path: path.child("template").child("spec"))
        if let policy = spec.template?.spec?.restartPolicy, policy != "Always" {
            causes.append(.notSupported("spec.template.spec.restartPolicy", value: .string(policy), supported: ["Always"]))
        }
        causes += DeploymentStrategy.validate(spec.strategy, path: path.child("strategy"))
        if let old, let oldSelector = old.spec?.selector, spec.selector != oldSelector {
            causes.append(.invalid("spec.selector", value: nil, "field is immutable"))
        }
        return causes
    }
}

/// `DeploymentSpec`.
public struct DeploymentSpec: Codable, Sendable, Hashable {
    /// Desired pods (default 1). Left out of a generated Deployment whose replicas an HPA owns.
    public var replicas: Int32?
    /// Which pods belong to it (immutable).
    public var selector: LabelSelector?
    /// The pods to run.
    public var template: PodTemplateSpec?
    /// How pods are replaced.
    public var strategy: DeploymentStrategy?
    /// Seconds a new pod must be ready before it counts as available.
    public var minReadySeconds: Int32?
    /// Old ReplicaSets to keep (carried as given: no ReplicaSets in standalone).
    public var revisionHistoryLimit: Int32?
    /// Seconds before a stalled rollout is reported (carried as given).
    public var progressDeadlineSeconds: Int32?
    /// Whether rollouts are paused.
    public var paused: Bool?

    /// A spec.
    public init(replicas: Int32?, selector: LabelSelector, template: PodTemplateSpec, strategy: DeploymentStrategy? = nil) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.strategy = strategy
    }
}

/// `DeploymentStrategy`: `RollingUpdate` (surge/unavailable) or `Recreate`.
public struct DeploymentStrategy: Codable, Sendable, Hashable {
    /// `RollingUpdate` (default) or `Recreate`.
    public var type: String?
    /// The rolling update's bounds.
    public var rollingUpdate: RollingUpdate?

    /// `maxSurge` / `maxUnavailable`: a count or a percentage.
    public struct RollingUpdate: Codable, Sendable, Hashable {
        /// Extra pods allowed during an update.
        public var maxSurge: JSONValue?
        /// Pods allowed to be unavailable during an update.
        public var maxUnavailable: JSONValue?

        /// Bounds.
        public init(maxSurge: JSONValue?, maxUnavailable: JSONValue?) {
            self.maxSurge = maxSurge
            self.maxUnavailable = maxUnavailable
        }
    }

    /// A strategy.
    public init(type: String, rollingUpdate: RollingUpdate? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }

    static let types = ["Recreate", "RollingUpdate"]

    static func validate(_ strategy: DeploymentStrategy?, path: FieldPath) -> [FieldCause] {
        guard let strategy else { return [] }
        var causes: [FieldCause] = []
        let type = strategy.type ?? "RollingUpdate"
        if !types.contains(type) {
            causes.append(.notSupported(path.child("type").description, value: .string(type), supported: types))
        }
        guard let rolling = strategy.rollingUpdate else { return causes }
        if type == "Recreate" {
            causes.append(.forbidden(path.child("rollingUpdate").description, "may not be specified when strategy `type` is 'Recreate'"))
        }
        let surge = IntOrPercent(rolling.maxSurge), unavailable = IntOrPercent(rolling.maxUnavailable)
        for (name, value, raw) in [("maxSurge", surge, rolling.maxSurge), ("maxUnavailable", unavailable, rolling.maxUnavailable)] {
            if raw != nil && value == nil {
                causes.append(.invalid(path.child("rollingUpdate").child(name).description, value: raw, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')"))
            } else if let value, value.isNegative {
                causes.append(.invalid(path.child("rollingUpdate").child(name).description, value: raw, "must be greater than or equal to 0"))
            }
        }
        if surge?.isZero ?? false, unavailable?.isZero ?? false {
            causes.append(.invalid(path.child("rollingUpdate").child("maxUnavailable").description, value: rolling.maxUnavailable,
                                   "may not be 0 when `maxSurge` is 0"))
        }
        return causes
    }
}

/// An `IntOrString` that is a count or a percentage (`25%`).
public enum IntOrPercent: Sendable, Hashable {
    /// An absolute count.
    case count(Int)
    /// A percentage of the desired replicas.
    case percent(Int)

    /// Parses the JSON form; nil when absent or malformed.
    public init?(_ value: JSONValue?) {
        switch value {
        case .integer(let number)?: self = .count(Int(number))
        case .string(let text)? where text.hasSuffix("%"):
            guard let number = Int(text.dropLast()) else { return nil }
            self = .percent(number)
        default: return nil
        }
    }

    var isNegative: Bool {
        switch self { case .count(let value), .percent(let value): return value < 0 }
    }

    var isZero: Bool {
        switch self { case .count(let value), .percent(let value): return value == 0 }
    }

    /// The count for `total` replicas, rounding a percentage up or down.
    public func resolved(total: Int, roundUp: Bool) -> Int {
        switch self {
        case .count(let value): return value
        case .percent(let value):
            let scaled = total * value
            return roundUp ? (scaled + 99) / 100 : scaled / 100
        }
    }
}
