/// `core/v1` `PodSpec`: the fields Gatehouse reads are typed; the rest are carried as given.
public struct PodSpec: Codable, Sendable, Hashable {
    /// The containers (at least one).
    public var containers: [Container]?
    /// `PodSpec.initContainers`, carried as given.
    public var initContainers: JSONValue?
    /// `PodSpec.restartPolicy`, carried as given.
    public var restartPolicy: String?
    /// `PodSpec.terminationGracePeriodSeconds`, carried as given.
    public var terminationGracePeriodSeconds: Int64?
    /// `PodSpec.activeDeadlineSeconds`, carried as given.
    public var activeDeadlineSeconds: Int64?
    /// `PodSpec.dnsPolicy`, carried as given.
    public var dnsPolicy: String?
    /// `PodSpec.nodeSelector`, carried as given.
    public var nodeSelector: [String: String]?
    /// `PodSpec.serviceAccountName`, carried as given.
    public var serviceAccountName: String?
    /// `PodSpec.serviceAccount`, carried as given.
    public var serviceAccount: String?
    /// `PodSpec.automountServiceAccountToken`, carried as given.
    public var automountServiceAccountToken: Bool?
    /// `PodSpec.nodeName`, carried as given.
    public var nodeName: String?
    /// `PodSpec.hostNetwork`, carried as given.
    public var hostNetwork: Bool?
    /// `PodSpec.hostPID`, carried as given.
    public var hostPID: Bool?
    /// `PodSpec.hostIPC`, carried as given.
    public var hostIPC: Bool?
    /// `PodSpec.securityContext`, carried as given.
    public var securityContext: JSONValue?
    /// `PodSpec.imagePullSecrets`, carried as given.
    public var imagePullSecrets: JSONValue?
    /// `PodSpec.hostname`, carried as given.
    public var hostname: String?
    /// `PodSpec.subdomain`, carried as given.
    public var subdomain: String?
    /// `PodSpec.affinity`, carried as given.
    public var affinity: JSONValue?
    /// `PodSpec.schedulerName`, carried as given.
    public var schedulerName: String?
    /// `PodSpec.tolerations`, carried as given.
    public var tolerations: JSONValue?
    /// `PodSpec.hostAliases`, carried as given.
    public var hostAliases: JSONValue?
    /// `PodSpec.priorityClassName`, carried as given.
    public var priorityClassName: String?
    /// `PodSpec.priority`, carried as given.
    public var priority: Int32?
    /// `PodSpec.readinessGates`, carried as given.
    public var readinessGates: [ReadinessGate]?
    /// `PodSpec.runtimeClassName`, carried as given.
    public var runtimeClassName: String?
    /// `PodSpec.enableServiceLinks`, carried as given.
    public var enableServiceLinks: Bool?
    /// `PodSpec.preemptionPolicy`, carried as given.
    public var preemptionPolicy: String?
    /// `PodSpec.overhead`, carried as given.
    public var overhead: JSONValue?
    /// `PodSpec.topologySpreadConstraints`, carried as given.
    public var topologySpreadConstraints: JSONValue?
    /// `PodSpec.setHostnameAsFQDN`, carried as given.
    public var setHostnameAsFQDN: Bool?
    /// `PodSpec.os`, carried as given.
    public var os: JSONValue?
    /// `PodSpec.volumes`, carried as given.
    public var volumes: JSONValue?
    /// `PodSpec.shareProcessNamespace`, carried as given.
    public var shareProcessNamespace: Bool?
    /// `PodSpec.dnsConfig`, carried as given.
    public var dnsConfig: JSONValue?

    /// A spec with these containers.
    public init(containers: [Container]) { self.containers = containers }
}

/// A pod readiness gate: the pod is Ready only when this condition of its status is True too.
public struct ReadinessGate: Codable, Sendable, Hashable {
    /// The pod condition type that must be True.
    public var conditionType: String
    /// Creates a gate.
    public init(conditionType: String) { self.conditionType = conditionType }
}

/// `core/v1` `Container`.
public struct Container: Codable, Sendable, Hashable {
    /// DNS label, unique in the pod.
    public var name: String?
    /// The image (standalone: `gatehouse` images run this executable).
    public var image: String?
    /// The entrypoint; the image's when absent.
    public var command: [String]?
    /// Arguments to the entrypoint; `$(VAR)` references are expanded from `env`.
    public var args: [String]?
    /// Environment variables.
    public var env: [EnvVar]?
    /// `Container.envFrom`, carried as given.
    public var envFrom: JSONValue?
    /// `Container.workingDir`, carried as given.
    public var workingDir: String?
    /// `Container.ports`, carried as given.
    public var ports: JSONValue?
    /// `Container.resources`, carried as given.
    public var resources: JSONValue?
    /// `Container.volumeMounts`, carried as given.
    public var volumeMounts: JSONValue?
    /// `Container.livenessProbe`, carried as given.
    public var livenessProbe: JSONValue?
    /// `Container.readinessProbe`, carried as given.
    public var readinessProbe: JSONValue?
    /// `Container.startupProbe`, carried as given.
    public var startupProbe: JSONValue?
    /// `Container.lifecycle`, carried as given.
    public var lifecycle: JSONValue?
    /// `Container.terminationMessagePath`, carried as given.
    public var terminationMessagePath: String?
    /// `Container.terminationMessagePolicy`, carried as given.
    public var terminationMessagePolicy: String?
    /// `Container.imagePullPolicy`, carried as given.
    public var imagePullPolicy: String?
    /// `Container.securityContext`, carried as given.
    public var securityContext: JSONValue?
    /// `Container.stdin`, carried as given.
    public var stdin: Bool?
    /// `Container.stdinOnce`, carried as given.
    public var stdinOnce: Bool?
    /// `Container.tty`, carried as given.
    public var tty: Bool?
    /// `Container.restartPolicy`, carried as given.
    public var restartPolicy: String?

    /// A container running `command` in `image`.
    public init(name: String, image: String, command: [String]? = nil, args: [String]? = nil, env: [EnvVar]? = nil) {
        self.name = name
        self.image = image
        self.command = command
        self.args = args
        self.env = env
    }
}

/// One environment variable: a value, or a reference (`valueFrom`, e.g. the pod's name).
public struct EnvVar: Codable, Sendable, Hashable {
    /// Its name.
    public var name: String
    /// A literal value.
    public var value: String?
    /// Where the value comes from (`fieldRef`, `resourceFieldRef`, ...).
    public var valueFrom: JSONValue?

    /// A variable.
    public init(name: String, value: String? = nil, valueFrom: JSONValue? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// `core/v1` `PodTemplateSpec`.
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    /// Labels and annotations of the pods.
    public var metadata: ObjectMeta?
    /// The pods' spec.
    public var spec: PodSpec?

    /// A template.
    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// The checks of `ValidatePodSpec` that matter for what Gatehouse runs.
enum PodSpecRules {
    static let restartPolicies = ["Always", "OnFailure", "Never"]
    static let imagePullPolicies = ["Always", "IfNotPresent", "Never"]

    static func validate(_ spec: PodSpec?, path: FieldPath) -> [FieldCause] {
        guard let spec else { return [.required(path.description)] }
        var causes: [FieldCause] = []
        let containers = spec.containers ?? []
        if containers.isEmpty { causes.append(.required(path.child("containers").description)) }
        var names: Set<String> = []
        for (position, container) in containers.enumerated() {
            let containerPath = path.child("containers").index(position)
            let name = container.name ?? ""
            if name.isEmpty {
                causes.append(.required(containerPath.child("name").description))
            } else {
                causes += KubernetesFormats.dns1123Label(name).map { .invalid(containerPath.child("name").description, value: .string(name), $0) }
                if !names.insert(name).inserted { causes.append(.duplicate(containerPath.child("name").description, value: .string(name))) }
            }
            if (container.image ?? "").allSatisfy({ $0 == " " || $0 == "\t" }) { causes.append(.required(containerPath.child("image").description)) }
            if let policy = container.imagePullPolicy, !imagePullPolicies.contains(policy) {
                causes.append(.notSupported(containerPath.child("imagePullPolicy").description, value: .string(policy), supported: imagePullPolicies))
            }
            for (index, variable) in (container.env ?? []).enumerated() where variable.name.isEmpty {
                causes.append(.required(containerPath.child("env").index(index).child("name").description))
            }
        }
        if let policy = spec.restartPolicy, !restartPolicies.contains(policy) {
            causes.append(.notSupported(path.child("restartPolicy").description, value: .string(policy), supported: restartPolicies))
        }
        if let grace = spec.terminationGracePeriodSeconds, grace < 0 {
            causes.append(.invalid(path.child("terminationGracePeriodSeconds").description, value: .integer(grace), "must be greater than or equal to 0"))
        }
        return causes
    }
}
