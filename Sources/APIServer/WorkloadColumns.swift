import GatewayModel

/// The columns `kubectl get` shows for the workload kinds (as kube-apiserver prints them).
extension TableConverter {
    static func workloadColumns(for kind: ResourceKind) -> [Column]? {
        switch kind {
        case ResourceKinds.deployment:
            return [name,
                    Column(name: "Ready") { object, _ in
                        .string("\(integer(object, ["status", "readyReplicas"]))/\(object[path: ["spec", "replicas"]]?.integerValue ?? 1)")
                    },
                    Column(name: "Up-to-date", type: "integer") { object, _ in .integer(integer(object, ["status", "updatedReplicas"])) },
                    Column(name: "Available", type: "integer") { object, _ in .integer(integer(object, ["status", "availableReplicas"])) },
                    age,
                    Column(name: "Containers", priority: 1) { object, _ in
                        .string(containers(object, ["spec", "template", "spec"]).compactMap { $0["name"]?.stringValue }.joined(separator: ","))
                    }]
        case ResourceKinds.pod:
            return [name,
                    Column(name: "Ready") { object, _ in
                        let statuses = object[path: ["status", "containerStatuses"]]?.arrayValue ?? []
                        let ready = statuses.filter { $0["ready"]?.boolValue == true }.count
                        return .string("\(ready)/\(containers(object, ["spec"]).count)")
                    },
                    Column(name: "Status") { object, _ in
                        .string(object[path: ["status", "reason"]]?.stringValue ?? object[path: ["status", "phase"]]?.stringValue ?? "Pending")
                    },
                    Column(name: "Restarts", type: "integer") { object, _ in
                        .integer((object[path: ["status", "containerStatuses"]]?.arrayValue ?? [])
                            .reduce(0) { $0 + ($1["restartCount"]?.integerValue ?? 0) })
                    },
                    age, text("IP", priority: 1, ["status", "podIP"]), text("Node", priority: 1, ["spec", "nodeName"])]
        case ResourceKinds.meshGatewayInstance:
            return [name, condition("Ready", "Ready"),
                    Column(name: "Address") { object, _ in
                        .string((object[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? [])
                            .compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }.joined(separator: ","))
                    }, age]
        case ResourceKinds.podDisruptionBudget:
            return [name, text("Min Available", ["spec", "minAvailable"]), text("Max Unavailable", ["spec", "maxUnavailable"]),
                    Column(name: "Allowed Disruptions", type: "integer") { object, _ in .integer(integer(object, ["status", "disruptionsAllowed"])) },
                    age]
        case ResourceKinds.horizontalPodAutoscaler:
            return [name,
                    Column(name: "Reference") { object, _ in
                        .string("\(object[path: ["spec", "scaleTargetRef", "kind"]]?.stringValue ?? "")/\(object[path: ["spec", "scaleTargetRef", "name"]]?.stringValue ?? "")")
                    },
                    text("MinPods", ["spec", "minReplicas"]), text("MaxPods", ["spec", "maxReplicas"]),
                    Column(name: "Replicas", type: "integer") { object, _ in .integer(integer(object, ["status", "currentReplicas"])) }, age]
        case ResourceKinds.lease:
            return [name, text("Holder", ["spec", "holderIdentity"]), age]
        default:
            return nil
        }
    }

    private static func integer(_ object: JSONValue, _ path: [String]) -> Int64 {
        object[path: path]?.integerValue ?? 0
    }

    private static func containers(_ object: JSONValue, _ specPath: [String]) -> [JSONValue] {
        object[path: specPath + ["containers"]]?.arrayValue ?? []
    }
}
