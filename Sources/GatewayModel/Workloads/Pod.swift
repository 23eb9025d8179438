/// `core/v1` `Pod`. In standalone the local runtime runs each of its containers' commands as
/// a local process (in the host's network: `status.podIP` is the node's address).
public struct Pod: ValidatedResource, Hashable {
    /// `v1`.
    public var apiVersion: String?
    /// `Pod`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// What runs.
    public var spec: PodSpec?
    /// Phase, IP and conditions, written by the runtime.
    public var status: JSONValue?

    /// Checks the pod as `ValidatePodCreate` / `ValidatePodUpdate` do for the fields used:
    /// containers are required, and a pod's containers cannot change once it exists.
    public func validate(old: Pod?) -> [FieldCause] {
        var causes = PodSpecRules.validate(spec, path: FieldPath("spec"))
        if let old, old.spec?.containers?.map(\.name) != spec?.containers?.map(\.name)
            || old.spec?.containers?.map(\.command) != spec?.containers?.map(\.command)
            || old.spec?.containers?.map(\.args) != spec?.containers?.map(\.args) {
            causes.append(.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds`"))
        }
        return causes
    }
}

/// `coordination.k8s.io/v1` `Lease` (leader election).
public struct Lease: ValidatedResource, Hashable {
    /// `coordination.k8s.io/v1`.
    public var apiVersion: String?
    /// `Lease`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Holder and timing.
    public var spec: LeaseSpec?

    /// Checks the lease as `ValidateLeaseSpec` does.
    public func validate(old: Lease?) -> [FieldCause] {
        var causes: [FieldCause] = []
        if let duration = spec?.leaseDurationSeconds, duration <= 0 {
            causes.append(.invalid("spec.leaseDurationSeconds", value: .integer(Int64(duration)), "must be greater than 0"))
        }
        if let transitions = spec?.leaseTransitions, transitions < 0 {
            causes.append(.invalid("spec.leaseTransitions", value: .integer(Int64(transitions)), "must be greater than or equal to 0"))
        }
        return causes
    }
}

/// `LeaseSpec`.
public struct LeaseSpec: Codable, Sendable, Hashable {
    /// Who holds the lease.
    public var holderIdentity: String?
    /// How long a holder keeps it without renewing.
    public var leaseDurationSeconds: Int32?
    /// When it was acquired (MicroTime).
    public var acquireTime: String?
    /// When it was last renewed (MicroTime).
    public var renewTime: String?
    /// How often it changed hands.
    public var leaseTransitions: Int32?
    /// Coordinated leader election strategy, carried as given.
    public var strategy: String?
    /// Coordinated leader election preference, carried as given.
    public var preferredHolder: String?
}

/// `policy/v1` `PodDisruptionBudget` (generated for gateways that ask for one).
public struct PodDisruptionBudget: ValidatedResource, Hashable {
    /// `policy/v1`.
    public var apiVersion: String?
    /// `PodDisruptionBudget`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The budget.
    public var spec: PodDisruptionBudgetSpec?
    /// Observed state.
    public var status: JSONValue?

    /// Checks the budget as `ValidatePodDisruptionBudgetSpec` does.
    public func validate(old: PodDisruptionBudget?) -> [FieldCause] {
        var causes: [FieldCause] = []
        if spec?.minAvailable != nil && spec?.maxUnavailable != nil {
            causes.append(.invalid("spec", value: nil, "minAvailable and maxUnavailable cannot be both set"))
        }
        for (name, raw) in [("minAvailable", spec?.minAvailable), ("maxUnavailable", spec?.maxUnavailable)] {
            guard let raw else { continue }
            guard let value = IntOrPercent(raw) else {
                causes.append(.invalid("spec.\(name)", value: raw, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')"))
                continue
            }
            if value.isNegative { causes.append(.invalid("spec.\(name)", value: raw, "must be greater than or equal to 0")) }
            if case .percent(let percent) = value, percent > 100 {
                causes.append(.invalid("spec.\(name)", value: raw, "must not be greater than 100%"))
            }
        }
        return causes
    }
}

/// `PodDisruptionBudgetSpec`.
public struct PodDisruptionBudgetSpec: Codable, Sendable, Hashable {
    /// Pods that must stay available (count or percentage).
    public var minAvailable: JSONValue?
    /// Pods that may be unavailable (count or percentage).
    public var maxUnavailable: JSONValue?
    /// Which pods.
    public var selector: LabelSelector?
    /// `IfHealthyBudget` or `AlwaysAllow`.
    public var unhealthyPodEvictionPolicy: String?
}

/// `autoscaling/v2` `HorizontalPodAutoscaler`. Stored and validated; the local runtime has no
/// metrics, so it only bounds the replicas a user sets on the target (`kubectl scale`).
public struct HorizontalPodAutoscaler: ValidatedResource, Hashable {
    /// `autoscaling/v2`.
    public var apiVersion: String?
    /// `HorizontalPodAutoscaler`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Target and bounds.
    public var spec: HorizontalPodAutoscalerSpec?
    /// Observed state.
    public var status: JSONValue?

    /// Checks the autoscaler as `ValidateHorizontalPodAutoscalerSpec` does for its bounds.
    public func validate(old: HorizontalPodAutoscaler?) -> [FieldCause] {
        guard let spec else { return [.required("spec.scaleTargetRef.kind"), .required("spec.scaleTargetRef.name")] }
        var causes: [FieldCause] = []
        if (spec.scaleTargetRef?.kind ?? "").isEmpty { causes.append(.required("spec.scaleTargetRef.kind")) }
        if (spec.scaleTargetRef?.name ?? "").isEmpty { causes.append(.required("spec.scaleTargetRef.name")) }
        let minimum = spec.minReplicas ?? 1
        if minimum < 1 {
            causes.append(.invalid("spec.minReplicas", value: .integer(Int64(minimum)), "must be greater than or equal to 1"))
        }
        if let maximum = spec.maxReplicas {
            if maximum < 1 {
                causes.append(.invalid("spec.maxReplicas", value: .integer(Int64(maximum)), "must be greater than 0"))
            } else if maximum < minimum {
                causes.append(.invalid("spec.maxReplicas", value: .integer(Int64(maximum)), "must be greater than or equal to `minReplicas`"))
            }
        } else {
            causes.append(.required("spec.maxReplicas"))
        }
        return causes
    }
}

/// `HorizontalPodAutoscalerSpec`.
public struct HorizontalPodAutoscalerSpec: Codable, Sendable, Hashable {
    /// The scaled object.
    public var scaleTargetRef: CrossVersionObjectReference?
    /// Lower bound (default 1).
    public var minReplicas: Int32?
    /// Upper bound.
    public var maxReplicas: Int32?
    /// Metrics, carried as given.
    public var metrics: JSONValue?
    /// Scaling behavior, carried as given.
    public var behavior: JSONValue?
}

/// `CrossVersionObjectReference`.
public struct CrossVersionObjectReference: Codable, Sendable, Hashable {
    /// Kind of the referent.
    public var kind: String?
    /// Name of the referent.
    public var name: String?
    /// API version of the referent.
    public var apiVersion: String?
}
