import GatewayModel
import LocalRuntime
import Testing

/// The Deployment controller's decisions, as values.
@Suite("Deployment planner")
struct DeploymentPlannerTests {
    static func deployment(replicas: Int, image: String = "gatehouse:1", surge: JSONValue = 1, unavailable: JSONValue = 0) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "gw", "namespace": "ns", "uid": "deploy-uid", "generation": 3],
            "spec": [
                "replicas": .integer(Int64(replicas)), "selector": ["matchLabels": ["app": "gw"]],
                "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": surge, "maxUnavailable": unavailable]],
                "template": ["metadata": ["labels": ["app": "gw"]], "spec": ["containers": [["name": "c", "image": .string(image)]]]],
            ],
        ]
    }

    static func pod(_ name: String, of deployment: JSONValue, ready: Bool, created: String = "2026-12-04T10:00:00Z") -> JSONValue {
        [
            "metadata": ["name": .string(name), "namespace": "ns", "creationTimestamp": .string(created),
                         "labels": ["app": "gw", "pod-template-hash": .string(DeploymentPlanner.templateHash(deployment))]],
            "status": ["conditions": [["type": "Ready", "status": ready ? "True" : "False"]]],
        ]
    }

    static func suffix() -> String { "abcde" }

    @Test("scale from zero: one pod per replica, named after the deployment and template, owned by it")
    func createsPods() {
        let deployment = Self.deployment(replicas: 2)
        let plan = DeploymentPlanner.plan(deployment, pods: [], suffix: Self.suffix)
        #expect(plan.create.count == 2)
        #expect(plan.delete.isEmpty)
        let pod = plan.create[0]
        #expect(pod.name == "gw-\(DeploymentPlanner.templateHash(deployment))-abcde")
        #expect(pod.labels["pod-template-hash"] == DeploymentPlanner.templateHash(deployment))
        #expect(pod.labels["app"] == "gw")
        #expect(pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["uid"] == "deploy-uid")
        #expect(plan.status["replicas"] == 0 && plan.status["observedGeneration"] == 3)
    }

    @Test("rolling update with surge 1, unavailable 0: a new pod first; an old one goes only once the new one is ready")
    func rollingUpdate() {
        let old = Self.deployment(replicas: 2, image: "gatehouse:1")
        let new = Self.deployment(replicas: 2, image: "gatehouse:2")
        let oldPods = [Self.pod("a", of: old, ready: true), Self.pod("b", of: old, ready: true)]
        var plan = DeploymentPlanner.plan(new, pods: oldPods, suffix: Self.suffix)
        #expect(plan.create.count == 1, "surge 1: one extra pod")
        #expect(plan.delete.isEmpty, "nothing goes before the new pod is ready")
        let starting = Self.pod("n1", of: new, ready: false)
        plan = DeploymentPlanner.plan(new, pods: oldPods + [starting], suffix: Self.suffix)
        #expect(plan.create.isEmpty && plan.delete.isEmpty, "waits for the new pod")
        let ready = Self.pod("n1", of: new, ready: true)
        plan = DeploymentPlanner.plan(new, pods: oldPods + [ready], suffix: Self.suffix)
        #expect(plan.delete.count == 1, "one old pod goes once the new one is ready")
        #expect(plan.create.isEmpty, "at the surge limit (3 pods) until the old one is gone")
        plan = DeploymentPlanner.plan(new, pods: [oldPods[1], ready], suffix: Self.suffix)
        #expect(plan.create.count == 1 && plan.delete.isEmpty)
        plan = DeploymentPlanner.plan(new, pods: [oldPods[1], ready, Self.pod("n2", of: new, ready: true)], suffix: Self.suffix)
        #expect(plan.delete == ["b"])
        let done = DeploymentPlanner.plan(new, pods: [ready, Self.pod("n2", of: new, ready: true)], suffix: Self.suffix)
        #expect(done.create.isEmpty && done.delete.isEmpty)
        #expect(done.status["readyReplicas"] == 2 && done.status["updatedReplicas"] == 2)
        let progressing = done.status["conditions"]?.arrayValue?.first { $0["type"] == "Progressing" }
        #expect(progressing?["reason"] == "NewReplicaSetAvailable")
    }

    @Test("an old pod that is not ready goes at once: it serves nobody")
    func unreadyOldPodGoesFirst() {
        let old = Self.deployment(replicas: 1, image: "gatehouse:1")
        let new = Self.deployment(replicas: 1, image: "gatehouse:2")
        let plan = DeploymentPlanner.plan(new, pods: [Self.pod("a", of: old, ready: false)], suffix: Self.suffix)
        #expect(plan.delete == ["a"])
        #expect(plan.create.count == 1)
    }

    @Test("scale down removes not-ready pods first, then the newest")
    func scaleDown() {
        let deployment = Self.deployment(replicas: 1)
        let pods = [
            Self.pod("old-ready", of: deployment, ready: true, created: "2026-12-04T10:00:00Z"),
            Self.pod("new-ready", of: deployment, ready: true, created: "2026-12-04T11:00:00Z"),
            Self.pod("not-ready", of: deployment, ready: false, created: "2026-12-04T09:00:00Z"),
        ]
        let plan = DeploymentPlanner.plan(deployment, pods: pods, suffix: Self.suffix)
        #expect(plan.delete == ["not-ready", "new-ready"])
    }

    @Test("Available follows the ready count against replicas minus maxUnavailable")
    func availability() {
        let deployment = Self.deployment(replicas: 2)
        let plan = DeploymentPlanner.plan(deployment, pods: [Self.pod("a", of: deployment, ready: true), Self.pod("b", of: deployment, ready: false)],
                                          suffix: Self.suffix)
        let available = plan.status["conditions"]?.arrayValue?.first { $0["type"] == "Available" }
        #expect(available?["status"] == "False" && available?["reason"] == "MinimumReplicasUnavailable")
        #expect(plan.status["unavailableReplicas"] == 1)
    }
}
