import GatewayModel

/// Settings of the rendered infrastructure that do not come from the Gateway API objects.
public struct InfraOptions: Sendable, Hashable {
    /// The URL gateway pods fetch their config from (`gatehouse dataplane --control-plane`).
    public var controlPlaneURL: String
    /// The gateway container's image. Standalone's local runtime runs `gatehouse` images as
    /// this executable.
    public var image: String
    /// The gateway agents' log level.
    public var logLevel: String
    /// Further arguments of the gateway agents (log format, metrics address).
    public var extraAgentArguments: [String]
    /// The CA certificate (PEM) the agents trust for an `https` control plane URL, given to
    /// them inline in `GATEHOUSE_CONTROL_PLANE_CA_CERT` (as Kuma gives `KUMA_CONTROL_PLANE_CA_CERT`).
    public var controlPlaneCACertificate: String?
    /// How gateway pods prove who they are: with the dataplane token the control plane keeps in
    /// the Gateway's token Secret (`true`, standalone), or with their projected
    /// service-account token, which the control plane reviews (`false`, Kubernetes mode: no
    /// Secret is written outside the system namespace).
    public var tokenFromSecret = true
    /// The agent's metrics port in the pod (Kubernetes mode): declared as the container's
    /// `agent` port, probed at `/ready` (readiness: Envoy serves an accepted configuration) and
    /// `/healthz` (liveness), drained by a preStop `gatehouse-dataplane drain` (which asks the
    /// agent for `GET /drain` on loopback); nil: none of these
    /// (standalone, where the `gatehouse.io/serving` readiness gate alone decides).
    public var agentProbePort: Int?

    /// Options.
    public init(controlPlaneURL: String, image: String = InfraOptions.defaultImage, logLevel: String = "info",
                extraAgentArguments: [String] = [], controlPlaneCACertificate: String? = nil, tokenFromSecret: Bool = true,
                agentProbePort: Int? = nil) {
        self.agentProbePort = agentProbePort
        self.controlPlaneCACertificate = controlPlaneCACertificate
        self.tokenFromSecret = tokenFromSecret
        self.controlPlaneURL = controlPlaneURL
        self.image = image
        self.logLevel = logLevel
        self.extraAgentArguments = extraAgentArguments
    }

    /// `gatehouse:latest`.
    public static let defaultImage = "gatehouse:latest"
}

/// The labels and annotations every generated infrastructure object carries.
public enum InfraLabels {
    /// The standard label naming the Gateway a generated object serves (the Gateway API
    /// conformance suite finds pods and Services by it).
    public static let gatewayName = GeneratedLabels.gatewayName
    /// The uid of the Gateway that owns a generated object, directly or through its
    /// MeshGatewayInstance: the owner label of DESIGN.md (names survive renames, uids do not
    /// collide with a recreated Gateway of the same name).
    public static let ownerUID = "gatehouse.io/owner-uid"
    /// Kuma's pod selector label (`app: <gateway>`).
    public static let app = "app"
    /// Kuma's annotation on gateway Services and pods: `builtin`.
    public static let kumaGateway = "kuma.io/gateway"
    /// Kuma's tags annotation on gateway pods (JSON).
    public static let kumaTags = "kuma.io/tags"
    /// Kuma's sidecar injection label (gateway pods never get a sidecar).
    public static let sidecarInjection = "kuma.io/sidecar-injection"
    /// The readiness gate of gateway pods: the control plane sets this pod condition True
    /// while the pod's Envoy serves its accepted config, so a pod is Ready only then (and a
    /// rolling update waits for it).
    public static let servingCondition = "gatehouse.io/serving"
    /// The gateway container's name (Kuma's).
    public static let containerName = "kuma-gateway"
    /// The key of a gateway's token Secret that holds the dataplane token.
    public static let tokenKey = "token"
    /// The environment variable the gateway container reads its dataplane token from.
    public static let tokenVariable = "GATEHOUSE_DATAPLANE_TOKEN"
    /// The environment variable holding the CA certificate (PEM) of an `https` control plane.
    public static let controlPlaneCAVariable = "GATEHOUSE_CONTROL_PLANE_CA_CERT"

    /// The Secret holding the dataplane token of Gateway `gateway`'s pods (the control plane
    /// signs it and keeps it there; the pods read it through their environment).
    public static func tokenSecretName(_ gateway: String) -> String { "\(gateway)-gatehouse-token" }
}

/// Infra IR -> Kubernetes objects, in both modes (DESIGN.md section 2): for each gateway
/// instance its `MeshGatewayInstance` (owned by the Gateway) and, from it, its `Service`,
/// `Deployment` and, when asked for, `PodDisruptionBudget` and `HorizontalPodAutoscaler`
/// (owned by the instance). Pure: the same instances give the same objects, in a fixed order.
///
/// Owner references to the instance carry an empty `uid`: the instance's uid exists only once
/// it is stored, so the writer fills it in. Kuma's shapes (kumahq/kuma v2.14.3
/// `gateway_instance_controller.go`) are kept where Kuma has them.
public enum InfraRenderer {
    /// Every object for `instances`, instance by instance (instance, Service, Deployment, PDB, HPA).
    public static func render(_ instances: [GatewayInstance], options: InfraOptions) -> [JSONValue] {
        instances.flatMap { render($0, options: options) }
    }

    /// The objects of one gateway instance.
    public static func render(_ instance: GatewayInstance, options: InfraOptions) -> [JSONValue] {
        var objects = [meshGatewayInstance(instance), GatewayService.render(instance), GatewayDeployment.render(instance, options: options)]
        if let budget = instance.config.podDisruptionBudget { objects.append(disruptionBudget(instance, budget)) }
        if let autoscaling = instance.config.autoscaling { objects.append(autoscaler(instance, autoscaling)) }
        return objects
    }

    /// The `MeshGatewayInstance`: the class's (and Gateway's) MeshGatewayConfig, as Kuma's
    /// Gateway controller writes it.
    static func meshGatewayInstance(_ instance: GatewayInstance) -> JSONValue {
        var spec = instance.config
        spec.crossMesh = nil
        spec.replicas = Int32(instance.replicas)
        spec.serviceType = instance.serviceType
        var metadata = objectMetadata(instance, name: instance.name, labels: [GeneratedLabels.mesh: instance.mesh])
        metadata["ownerReferences"] = [[
            "apiVersion": .string(ResourceKinds.gateway.apiVersion()), "kind": "Gateway", "name": .string(instance.name),
            "uid": .string(instance.gatewayUID), "controller": true, "blockOwnerDeletion": true,
        ]]
        return [
            "apiVersion": .string(ResourceKinds.meshGatewayInstance.apiVersion()), "kind": "MeshGatewayInstance",
            "metadata": metadata, "spec": (try? JSONValue.encode(spec)) ?? .emptyObject,
        ]
    }

    static func disruptionBudget(_ instance: GatewayInstance, _ budget: MeshGatewayDisruptionBudget) -> JSONValue {
        var spec: JSONValue = ["selector": ["matchLabels": selector(instance)]]
        if let value = budget.minAvailable { spec["minAvailable"] = value }
        if let value = budget.maxUnavailable { spec["maxUnavailable"] = value }
        return ["apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": ownedMetadata(instance), "spec": spec]
    }

    static func autoscaler(_ instance: GatewayInstance, _ autoscaling: MeshGatewayAutoscaling) -> JSONValue {
        let target = Int64(autoscaling.targetCPUUtilizationPercentage ?? 80)
        let spec: JSONValue = [
            "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(instance.name)],
            "minReplicas": .integer(Int64(autoscaling.minReplicas ?? 1)), "maxReplicas": .integer(Int64(autoscaling.maxReplicas)),
            "metrics": [["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": .integer(target)]]]],
        ]
        return ["apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": ownedMetadata(instance), "spec": spec]
    }

    /// `object` with the uid of its MeshGatewayInstance owner filled in (rendered empty: the
    /// instance's uid exists once it is stored). Other owner references are left alone.
    public static func withInstanceUID(_ object: JSONValue, _ uid: String) -> JSONValue {
        guard var references = object[path: ["metadata", "ownerReferences"]]?.arrayValue else { return object }
        for position in references.indices where references[position]["kind"]?.stringValue == "MeshGatewayInstance" {
            references[position]["uid"] = .string(uid)
        }
        var filled = object
        filled[path: ["metadata", "ownerReferences"]] = .array(references)
        return filled
    }

    /// Kuma's pod selector: `app: <gateway>`.
    static func selector(_ instance: GatewayInstance) -> JSONValue {
        [InfraLabels.app: .string(instance.name)]
    }

    /// Metadata of an object named `name` in the instance's namespace with the generated-object
    /// labels (plus `labels`, and the Gateway's infrastructure labels and annotations).
    static func objectMetadata(_ instance: GatewayInstance, name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) -> JSONValue {
        var allLabels = labels
        allLabels.merge(instance.infrastructureLabels) { $1 }
        allLabels[GeneratedLabels.managedBy] = "gatehouse"
        allLabels[InfraLabels.gatewayName] = instance.name
        if !instance.gatewayUID.isEmpty { allLabels[InfraLabels.ownerUID] = instance.gatewayUID }
        var metadata: JSONValue = ["name": .string(name), "namespace": .string(instance.namespace), "labels": stringMap(allLabels)]
        let allAnnotations = annotations.merging(instance.infrastructureAnnotations) { $1 }
        if !allAnnotations.isEmpty { metadata["annotations"] = stringMap(allAnnotations) }
        return metadata
    }

    /// Metadata of an object owned by the instance (its uid filled in by the writer).
    static func ownedMetadata(_ instance: GatewayInstance, labels: [String: String] = [:], annotations: [String: String] = [:]) -> JSONValue {
        var metadata = objectMetadata(instance, name: instance.name, labels: labels, annotations: annotations)
        metadata["ownerReferences"] = [[
            "apiVersion": .string(ResourceKinds.meshGatewayInstance.apiVersion()), "kind": "MeshGatewayInstance",
            "name": .string(instance.name), "uid": "", "controller": true, "blockOwnerDeletion": true,
        ]]
        return metadata
    }

    /// A JSON object of strings (keys sorted by the serializer).
    static func stringMap(_ map: [String: String]) -> JSONValue {
        .object(map.mapValues { .string($0) })
    }

    /// The string map at `path` of a free-form template.
    static func strings(_ value: JSONValue?, _ path: [String]) -> [String: String] {
        (value?[path: path]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
}
