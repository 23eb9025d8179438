import GatewayModel

/// The gateway's `Deployment`, as Kuma's instance controller shapes it: `replicas` from the
/// config, pods selected by `app: <gateway>` and labelled with their mesh and no sidecar
/// injection, annotated `kuma.io/gateway: builtin` and with their Kuma tags; one container
/// `kuma-gateway` running the dataplane agent, unprivileged except NET_BIND_SERVICE, with
/// `/tmp` as an emptyDir, its dataplane token from the Gateway's token Secret. Beyond Kuma: a readiness gate that the control plane holds True
/// only while the pod's Envoy serves (so Ready means serving, and a rolling update waits for
/// it), surge-1/unavailable-0 rolling updates, and the scheduling and security fields of the
/// pod template (nodeSelector, tolerations, affinity, topologySpreadConstraints,
/// securityContext, extra env).
enum GatewayDeployment {
    /// Kuma's default resources of the gateway container.
    static let defaultResources: JSONValue = [
        "requests": ["cpu": "50m", "memory": "64Mi"],
        "limits": ["cpu": "1000m", "memory": "512Mi"],
    ]
    /// Kuma's dataplane user and group.
    static let proxyUser: Int64 = 5678
    /// Pod spec fields a pod template may set beyond Kuma's.
    static let schedulingFields = ["nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "priorityClassName"]

    static func render(_ instance: GatewayInstance, options: InfraOptions) -> JSONValue {
        let template = instance.config.podTemplate
        var labels = InfraRenderer.strings(template, ["metadata", "labels"])
        labels[InfraLabels.app] = instance.name
        labels[InfraLabels.sidecarInjection] = "disabled"
        labels[GeneratedLabels.mesh] = instance.mesh
        var annotations = InfraRenderer.strings(template, ["metadata", "annotations"])
        annotations[InfraLabels.kumaGateway] = "builtin"
        annotations[InfraLabels.kumaTags] = tagsJSON(instance)
        // The pod template carries the generated-object labels too (the conformance suite
        // finds gateway pods by the gateway-name label).
        var podMetadata = InfraRenderer.objectMetadata(instance, name: instance.name, labels: labels, annotations: annotations)
        podMetadata["name"] = nil
        podMetadata["namespace"] = nil

        var podSpec: JSONValue = [
            "containers": [container(instance, options: options)],
            "securityContext": podSecurityContext(template),
            "volumes": [["name": "tmp", "emptyDir": .emptyObject]],
            "readinessGates": [["conditionType": .string(InfraLabels.servingCondition)]],
        ]
        if let account = template?[path: ["spec", "serviceAccountName"]]?.stringValue, !account.isEmpty {
            podSpec["serviceAccountName"] = .string(account)
        }
        for field in schedulingFields {
            if let value = template?[path: ["spec", field]], !value.isNull { podSpec[field] = value }
        }
        let spec: JSONValue = [
            "replicas": .integer(Int64(replicas(instance))),
            "selector": ["matchLabels": InfraRenderer.selector(instance)],
            "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0]],
            "template": ["metadata": podMetadata, "spec": podSpec],
        ]
        return ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": InfraRenderer.ownedMetadata(instance), "spec": spec]
    }

    /// The config's replicas; with an autoscaling range, that count brought into the range
    /// (the writer then keeps whatever the autoscaler or a user set inside it).
    static func replicas(_ instance: GatewayInstance) -> Int {
        guard let autoscaling = instance.config.autoscaling else { return instance.replicas }
        return min(max(instance.replicas, Int(autoscaling.minReplicas ?? 1)), Int(autoscaling.maxReplicas))
    }

    static func container(_ instance: GatewayInstance, options: InfraOptions) -> JSONValue {
        let template = instance.config.podTemplate
        var env: [JSONValue] = [
            fieldEnv("POD_NAME", "metadata.name"), fieldEnv("POD_NAMESPACE", "metadata.namespace"),
            fieldEnv("INSTANCE_IP", "status.podIP"),
            ["name": "KUMA_DATAPLANE_MESH", "value": .string(instance.mesh)],
        ]
        if options.tokenFromSecret {
            env.append(["name": .string(InfraLabels.tokenVariable), "valueFrom": ["secretKeyRef": [
                "name": .string(InfraLabels.tokenSecretName(instance.name)), "key": .string(InfraLabels.tokenKey)]]])
        }
        if let authority = options.controlPlaneCACertificate {
            env.append(["name": .string(InfraLabels.controlPlaneCAVariable), "value": .string(authority)])
        }
        env += template?[path: ["spec", "container", "env"]]?.arrayValue ?? []
        var securityContext: JSONValue = [
            "allowPrivilegeEscalation": false,
            "capabilities": ["add": ["NET_BIND_SERVICE"], "drop": ["ALL"]],
            "runAsUser": .integer(proxyUser), "runAsGroup": .integer(proxyUser),
        ]
        if let extra = template?[path: ["spec", "container", "securityContext"]], case .object = extra {
            securityContext = JSONMergePatch.apply(extra, to: securityContext)
        }
        var container: JSONValue = [
            "name": .string(InfraLabels.containerName), "image": .string(options.image), "imagePullPolicy": "IfNotPresent",
            "args": .array([
                "dataplane", .string("--control-plane=\(options.controlPlaneURL)"),
                .string("--gateway=\(instance.namespace)/\(instance.name)"), "--replica=$(POD_NAME)",
                .string("--log-level=\(options.logLevel)"),
            ] + options.extraAgentArguments.map { .string($0) }),
            "workingDir": "/tmp",
            "env": .array(env),
            "resources": instance.config.resources ?? defaultResources,
            "securityContext": securityContext,
            "volumeMounts": [["name": "tmp", "mountPath": "/tmp"]],
        ]
        if let port = options.agentProbePort {
            let probe: (String, Int) -> JSONValue = { path, failures in
                ["httpGet": ["path": .string(path), "port": "agent"], "periodSeconds": 5, "failureThreshold": .integer(Int64(failures))]
            }
            container["ports"] = [["name": "agent", "containerPort": .integer(Int64(port)), "protocol": "TCP"]]
            container["readinessProbe"] = probe("/ready", 3)
            container["livenessProbe"] = probe("/healthz", 6)
            // Before SIGTERM: drain while the cluster takes the pod out of its Service. An exec,
            // not an httpGet: the agent drains only for a client on loopback, inside the pod
            // (the port is open to the pod network, for probes and scrapes).
            container["lifecycle"] = ["preStop": ["exec": ["command": [
                "gatehouse-dataplane", "drain", .string("--port=\(port)")]]]]
        }
        return container
    }

    /// Kuma's pod security context (unprivileged ports from 0, the template's fsGroup), with
    /// the rest of the template's pod security context merged in.
    static func podSecurityContext(_ template: JSONValue?) -> JSONValue {
        var context: JSONValue = ["sysctls": [["name": "net.ipv4.ip_unprivileged_port_start", "value": "0"]]]
        if let extra = template?[path: ["spec", "securityContext"]], case .object = extra {
            context = JSONMergePatch.apply(extra, to: context)
        }
        return context
    }

    static func fieldEnv(_ name: String, _ path: String) -> JSONValue {
        ["name": .string(name), "valueFrom": ["fieldRef": ["apiVersion": "v1", "fieldPath": .string(path)]]]
    }

    /// The pods' Kuma tags as JSON with sorted keys: the config's, plus `kuma.io/service`
    /// `<name>_<namespace>_svc` when the config does not set one (Kuma's default).
    static func tagsJSON(_ instance: GatewayInstance) -> String {
        var tags = instance.config.tags ?? [:]
        if tags["kuma.io/service"] == nil { tags["kuma.io/service"] = "\(instance.name)_\(instance.namespace)_svc" }
        return JSONSerializer.string(InfraRenderer.stringMap(tags))
    }
}
