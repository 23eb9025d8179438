import GatewayModel

/// What the local runtime knows about a pod's one container.
public struct ContainerObservation: Sendable, Equatable {
    /// Running now.
    public var running: Bool
    /// When the running process started (RFC 3339).
    public var startedAt: String?
    /// Restarts so far.
    public var restartCount: Int
    /// Why it is not running (`ContainerCreating`, `CrashLoopBackOff`, `ErrImageNeverPull`).
    public var waitingReason: String?
    /// Details for `waitingReason`.
    public var waitingMessage: String?
    /// How the previous run ended (`exit 1`, `signal 9`), for `lastState`.
    public var lastTermination: String?
    /// When the previous run ended.
    public var lastFinishedAt: String?

    /// An observation.
    public init(running: Bool, startedAt: String? = nil, restartCount: Int = 0, waitingReason: String? = nil,
                waitingMessage: String? = nil, lastTermination: String? = nil, lastFinishedAt: String? = nil) {
        self.running = running
        self.startedAt = startedAt
        self.restartCount = restartCount
        self.waitingReason = waitingReason
        self.waitingMessage = waitingMessage
        self.lastTermination = lastTermination
        self.lastFinishedAt = lastFinishedAt
    }
}

/// The pod `status` a kubelet would write, from what the runtime observed. Conditions owned by
/// others (a readiness gate's condition, set by the control plane) are kept; the pod is
/// `Ready` only when its container runs and every readiness gate's condition is True.
public enum PodStatusBuilder {
    /// The conditions this runtime owns.
    static let ownedConditions = ["PodScheduled", "Initialized", "ContainersReady", "Ready"]

    /// `pod`'s new status; `now` stamps conditions whose status changed.
    public static func status(of pod: JSONValue, container: ContainerObservation, podIP: String, startTime: String, now: String) -> JSONValue {
        let previous = pod["status"] ?? .emptyObject
        let previousConditions = previous["conditions"]?.arrayValue ?? []
        let foreign = previousConditions.filter { !ownedConditions.contains($0["type"]?.stringValue ?? "") }
        let gates = (pod[path: ["spec", "readinessGates"]]?.arrayValue ?? []).compactMap { $0["conditionType"]?.stringValue }
        let gatesHold = gates.allSatisfy { gate in
            foreign.contains { $0["type"]?.stringValue == gate && $0["status"]?.stringValue == "True" }
        }
        let ready = container.running && gatesHold
        func condition(_ type: String, _ holds: Bool, reason: String? = nil) -> JSONValue {
            let before = previousConditions.first { $0["type"]?.stringValue == type }
            let status = holds ? "True" : "False"
            var value: JSONValue = ["type": .string(type), "status": .string(status)]
            value["lastTransitionTime"] = before?["status"]?.stringValue == status ? (before?["lastTransitionTime"] ?? .string(now)) : .string(now)
            value["lastProbeTime"] = .null
            if let reason, !holds { value["reason"] = .string(reason) }
            return value
        }
        let notReadyReason = container.running ? "ReadinessGatesNotReady" : "ContainersNotReady"
        let conditions = [
            condition("PodScheduled", true), condition("Initialized", true),
            condition("ContainersReady", container.running, reason: "ContainersNotReady"),
            condition("Ready", ready, reason: notReadyReason),
        ] + foreign
        return [
            "phase": .string(container.running || container.restartCount > 0 ? "Running" : "Pending"),
            "podIP": .string(podIP), "podIPs": [["ip": .string(podIP)]], "hostIP": .string(podIP), "hostIPs": [["ip": .string(podIP)]],
            "startTime": .string(startTime), "qosClass": "Burstable",
            "conditions": .array(conditions),
            "containerStatuses": [containerStatus(pod, container)],
        ]
    }

    static func containerStatus(_ pod: JSONValue, _ container: ContainerObservation) -> JSONValue {
        let spec = pod[path: ["spec", "containers"]]?.arrayValue?.first ?? .emptyObject
        var state: JSONValue
        if container.running {
            state = ["running": ["startedAt": .string(container.startedAt ?? "")]]
        } else {
            var waiting: JSONValue = ["reason": .string(container.waitingReason ?? "ContainerCreating")]
            if let message = container.waitingMessage { waiting["message"] = .string(message) }
            state = ["waiting": waiting]
        }
        var status: JSONValue = [
            "name": spec["name"] ?? "", "image": spec["image"] ?? "", "imageID": "",
            "ready": .bool(container.running), "started": .bool(container.running),
            "restartCount": .integer(Int64(container.restartCount)), "state": state, "lastState": .emptyObject,
        ]
        if let termination = container.lastTermination {
            status["lastState"] = ["terminated": ["reason": "Error", "message": .string(termination),
                                                  "finishedAt": .string(container.lastFinishedAt ?? "")]]
        }
        return status
    }
}
