import GatewayModel

/// What the Deployment controller does next for one Deployment: pods to create, pods to
/// delete, and the status to write. Pure: the controller applies plans; tests check them.
///
/// Rolling updates keep Kubernetes' bounds: at most `replicas + maxSurge` pods exist and at
/// least `replicas - maxUnavailable` are ready. A pod of an old template is deleted only when
/// enough others are ready without it (with Gatehouse's default of surge 1, unavailable 0:
/// a new pod must be Ready, i.e. serving, before an old one goes). Not-ready pods of an old
/// template go first: they serve nobody.
public struct DeploymentPlan: Sendable, Equatable {
    /// New pods (complete objects, without server-set fields).
    public var create: [JSONValue] = []
    /// Names of pods to delete.
    public var delete: [String] = []
    /// The Deployment's `status`.
    public var status: JSONValue = .emptyObject
}

/// Plans Deployments (see `DeploymentPlan`).
public enum DeploymentPlanner {
    /// The label that ties a pod to the template it was made from.
    public static let templateHashLabel = "pod-template-hash"

    /// The plan for `deployment`, whose pods (owned by it) are `pods`; `suffix` makes pod
    /// names unique (five random characters in Kubernetes).
    public static func plan(_ deployment: JSONValue, pods: [JSONValue], suffix: () -> String) -> DeploymentPlan {
        var plan = DeploymentPlan()
        let desired = Int(deployment[path: ["spec", "replicas"]]?.integerValue ?? 1)
        let hash = templateHash(deployment)
        let live = pods.filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
        let current = live.filter { $0.labels[templateHashLabel] == hash }
        let old = live.filter { $0.labels[templateHashLabel] != hash }
        let (surge, unavailable) = bounds(deployment, desired: desired)
        let paused = deployment[path: ["spec", "paused"]]?.boolValue ?? false

        // Up: new pods while under the desired count and the surge allows.
        var total = live.count
        var creating = 0
        while current.count + creating < desired && (total < desired + surge || old.isEmpty) && !paused {
            plan.create.append(pod(for: deployment, hash: hash, suffix: suffix()))
            creating += 1
            total += 1
        }
        // Down: old pods, not-ready first, while enough others stay ready.
        var ready = live.filter(isReady).count
        let minimumReady = max(0, desired - unavailable)
        for pod in old.sorted(by: deletionOrder) where !paused {
            if !isReady(pod) {
                plan.delete.append(pod.name ?? "")
            } else if ready - 1 >= minimumReady || desired == 0 {
                plan.delete.append(pod.name ?? "")
                ready -= 1
            }
        }
        // Scale down within the current template: not-ready first, then the newest.
        if current.count > desired {
            plan.delete += current.sorted(by: deletionOrder).prefix(current.count - desired).map { $0.name ?? "" }
        }
        plan.status = status(deployment, desired: desired, live: live, current: current, minimumReady: minimumReady)
        return plan
    }

    /// A stable hash of the pod template (10 hex digits), as the `pod-template-hash` label.
    public static func templateHash(_ deployment: JSONValue) -> String {
        String(StableHash.hex(JSONSerializer.data(deployment[path: ["spec", "template"]] ?? .null)).prefix(10))
    }

    /// Whether a pod's `Ready` condition is True.
    public static func isReady(_ pod: JSONValue) -> Bool {
        (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
        }
    }

    /// Not-ready before ready, then newest first (as the ReplicaSet controller picks).
    static func deletionOrder(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if isReady(left) != isReady(right) { return !isReady(left) }
        let leftCreated = left[path: ["metadata", "creationTimestamp"]]?.stringValue ?? ""
        let rightCreated = right[path: ["metadata", "creationTimestamp"]]?.stringValue ?? ""
        if leftCreated != rightCreated { return leftCreated > rightCreated }
        return (left.name ?? "") > (right.name ?? "")
    }

    /// `maxSurge` (rounded up) and `maxUnavailable` (rounded down), 25% each by default;
    /// `Recreate` is surge 0 with everything unavailable.
    static func bounds(_ deployment: JSONValue, desired: Int) -> (surge: Int, unavailable: Int) {
        let strategy = deployment[path: ["spec", "strategy"]]
        if strategy?["type"]?.stringValue == "Recreate" { return (0, desired) }
        let surge = IntOrPercent(strategy?[path: ["rollingUpdate", "maxSurge"]]) ?? .percent(25)
        let unavailable = IntOrPercent(strategy?[path: ["rollingUpdate", "maxUnavailable"]]) ?? .percent(25)
        let resolvedSurge = surge.resolved(total: desired, roundUp: true)
        var resolvedUnavailable = unavailable.resolved(total: desired, roundUp: false)
        // Both zero would deadlock a rollout: Kubernetes then allows one unavailable.
        if resolvedSurge == 0 && resolvedUnavailable == 0 { resolvedUnavailable = 1 }
        return (resolvedSurge, resolvedUnavailable)
    }

    /// A new pod from the template: owned by the Deployment, named `<deployment>-<hash>-<suffix>`.
    static func pod(for deployment: JSONValue, hash: String, suffix: String) -> JSONValue {
        let template = deployment[path: ["spec", "template"]] ?? .emptyObject
        var metadata = template["metadata"] ?? .emptyObject
        metadata["name"] = .string("\(deployment.name ?? "pod")-\(hash)-\(suffix)")
        metadata["namespace"] = deployment[path: ["metadata", "namespace"]]
        var labels = metadata["labels"]?.objectValue ?? [:]
        labels[templateHashLabel] = .string(hash)
        metadata["labels"] = .object(labels)
        metadata["ownerReferences"] = [[
            "apiVersion": "apps/v1", "kind": "Deployment", "name": deployment[path: ["metadata", "name"]] ?? "",
            "uid": deployment[path: ["metadata", "uid"]] ?? "", "controller": true, "blockOwnerDeletion": true,
        ]]
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template["spec"] ?? .emptyObject]
    }

    /// The Deployment status kube-controller-manager writes: counts and the Available and
    /// Progressing conditions.
    static func status(_ deployment: JSONValue, desired: Int, live: [JSONValue], current: [JSONValue], minimumReady: Int) -> JSONValue {
        let ready = live.filter(isReady).count
        let available = ready >= minimumReady
        let rolledOut = current.count == desired && live.count == desired && current.allSatisfy(isReady)
        var conditions: [JSONValue] = [[
            "type": "Available", "status": available ? "True" : "False",
            "reason": available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            "message": available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
        ]]
        conditions.append([
            "type": "Progressing", "status": "True",
            "reason": rolledOut ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
            "message": .string(rolledOut ? "Deployment \"\(deployment.name ?? "")\" has successfully progressed."
                               : "Deployment \"\(deployment.name ?? "")\" is progressing."),
        ])
        var status: JSONValue = [
            "replicas": .integer(Int64(live.count)), "updatedReplicas": .integer(Int64(current.count)),
            "readyReplicas": .integer(Int64(ready)), "availableReplicas": .integer(Int64(ready)),
            "conditions": .array(conditions),
        ]
        if let generation = deployment[path: ["metadata", "generation"]] { status["observedGeneration"] = generation }
        if live.count > ready { status["unavailableReplicas"] = .integer(Int64(live.count - ready)) }
        return status
    }
}
