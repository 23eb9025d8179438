/// Core v1 `Namespace`: every field of the Kubernetes 1.3x schema.
public struct Namespace: ValidatedResource, Hashable {
    /// API group and version, as written in the manifest.
    public var apiVersion: String?
    /// Kind, as written in the manifest.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta?
    /// Desired state.
    public var spec: Spec?
    /// Observed state, written by controllers.
    public var status: Status?

    /// `NamespaceSpec`.
    public struct Spec: Codable, Sendable, Hashable {
        /// Opaque values that must be empty before the namespace is removed from storage.
        public var finalizers: [String]?
    }

    /// `NamespaceStatus`.
    public struct Status: Codable, Sendable, Hashable {
        /// `Active` or `Terminating`.
        public var phase: String?
        /// Conditions of the object.
        public var conditions: [Condition]?
    }

    /// `NamespaceCondition` (not the `metav1.Condition` shape: no observedGeneration).
    public struct Condition: Codable, Sendable, Hashable {
        /// Condition type (`NamespaceDeletionDiscoveryFailure`, ...).
        public var type: String?
        /// `True`, `False` or `Unknown`.
        public var status: String?
        /// When the status last changed (RFC 3339).
        public var lastTransitionTime: String?
        /// Machine-readable CamelCase reason.
        public var reason: String?
        /// Human-readable detail.
        public var message: String?
    }

    /// The phases a namespace can be in.
    public static let phases = ["Active", "Terminating"]

    /// Checks the spec and status as the API server's `ValidateNamespace` does.
    public func validate(old: Namespace?) -> [FieldCause] {
        var causes: [FieldCause] = []
        let finalizersPath = FieldPath("spec").child("finalizers")
        for (position, finalizer) in (spec?.finalizers ?? []).enumerated() {
            for problem in KubernetesFormats.qualifiedName(finalizer) {
                causes.append(.invalid(finalizersPath.index(position).description, value: .string(finalizer), problem))
            }
        }
        if let phase = status?.phase, !phase.isEmpty, !Self.phases.contains(phase) {
            causes.append(.notSupported("status.phase", value: .string(phase), supported: Self.phases))
        }
        for (position, condition) in (status?.conditions ?? []).enumerated() where (condition.type ?? "").isEmpty {
            causes.append(.required(FieldPath("status").child("conditions").index(position).child("type").description))
        }
        return causes
    }
}
