import GatewayModel
import LocalRuntime
import Testing

/// The pure parts of the local runtime: addresses, garbage collection, container launches,
/// pod status.
@Suite("Local runtime parts")
struct LocalRuntimePartsTests {
    static func service(_ name: String, type: String = "LoadBalancer", requested: String? = nil, current: String? = nil,
                        created: String = "2026-12-04T10:00:00Z") -> JSONValue {
        var spec: JSONValue = ["type": .string(type), "ports": [["port": 80]]]
        if let requested { spec["loadBalancerIP"] = .string(requested) }
        var service: JSONValue = ["metadata": ["name": .string(name), "namespace": "ns", "creationTimestamp": .string(created)], "spec": spec]
        if let current { service["status"] = ["loadBalancer": ["ingress": [["ip": .string(current)]]]] }
        return service
    }

    @Test("load balancer addresses: requested when free and in the pool, kept across passes, else the lowest free one")
    func allocation() throws {
        let pool = try AddressPool(cidr: "127.0.100.0/29")
        let assigned = LoadBalancerAllocator.assign([
            Self.service("first", created: "2026-12-04T09:00:00Z"),
            Self.service("pinned", requested: "127.0.100.5"),
            Self.service("kept", current: "127.0.100.3"),
            Self.service("outside", requested: "10.0.0.1"),
            Self.service("internal", type: "ClusterIP", current: "127.0.100.6"),
        ], pool: pool)
        #expect(assigned["ns/first"] == .some("127.0.100.1"))
        #expect(assigned["ns/pinned"] == .some("127.0.100.5"))
        #expect(assigned["ns/kept"] == .some("127.0.100.3"))
        #expect(assigned["ns/outside"] == .some(nil), "an address outside the pool stays pending")
        #expect(assigned["ns/internal"] == .some(nil), "a ClusterIP Service has no load balancer")
    }

    @Test("an exhausted pool leaves the youngest Service pending")
    func exhaustion() throws {
        let pool = try AddressPool(cidr: "127.0.100.0/30")
        let assigned = LoadBalancerAllocator.assign(
            (1...3).map { Self.service("s\($0)", created: "2026-12-04T10:00:0\($0)Z") }, pool: pool)
        #expect(assigned["ns/s1"] == .some("127.0.100.1") && assigned["ns/s2"] == .some("127.0.100.2"))
        #expect(assigned["ns/s3"] == .some(nil))
    }

    @Test("cluster IPs: the lowest free address of the service pool, held ones skipped, headless and ExternalName left alone")
    func clusterIPs() throws {
        let pool = try AddressPool(cidr: "10.96.0.0/29")
        func service(_ name: String, type: String = "ClusterIP", clusterIP: String? = nil, created: String) -> JSONValue {
            var spec: JSONValue = ["type": .string(type)]
            if let clusterIP { spec["clusterIP"] = .string(clusterIP) }
            return ["metadata": ["name": .string(name), "namespace": "ns", "creationTimestamp": .string(created)], "spec": spec]
        }
        let assigned = ServiceIPAllocator.assign([
            service("has-one", clusterIP: "10.96.0.1", created: "2026-12-04T09:00:00Z"),
            service("first", created: "2026-12-04T10:00:00Z"),
            service("balanced", type: "LoadBalancer", created: "2026-12-04T10:00:01Z"),
            service("headless", clusterIP: "None", created: "2026-12-04T10:00:02Z"),
            service("external", type: "ExternalName", created: "2026-12-04T10:00:03Z"),
        ], pool: pool)
        #expect(assigned == ["ns/first": "10.96.0.2", "ns/balanced": "10.96.0.3"])
        let full = ServiceIPAllocator.assign((1...7).map { service("s\($0)", created: "2026-12-04T10:00:0\($0)Z") }, pool: pool)
        #expect(full.count == 6, "a /29 has six addresses")
    }

    @Test("garbage collection: dependents of a gone owner go, a recreated owner of the same name does not adopt them")
    func garbage() {
        func object(_ name: String, uid: String, owners: [String]) -> (key: ObjectKey, object: JSONValue) {
            let references: [JSONValue] = owners.map { ["kind": "Owner", "name": "x", "uid": .string($0)] }
            var metadata: JSONValue = ["name": .string(name), "namespace": "ns", "uid": .string(uid)]
            if !references.isEmpty { metadata["ownerReferences"] = .array(references) }
            return (ObjectKey(kind: ResourceKinds.pod, namespace: "ns", name: name), ["metadata": metadata])
        }
        let orphans = GarbageCollector.orphans([
            object("owner", uid: "new-uid", owners: []),
            object("child-of-old", uid: "c1", owners: ["old-uid"]),
            object("child-of-new", uid: "c2", owners: ["new-uid"]),
            object("two-owners-one-left", uid: "c3", owners: ["old-uid", "new-uid"]),
            object("unfilled", uid: "c4", owners: [""]),
        ])
        #expect(orphans.map(\.name) == ["child-of-old"])
    }

    @Test("a gatehouse container runs this executable with expanded arguments in the pod's directory; other images never run")
    func launch() throws {
        let pod: JSONValue = ["metadata": ["name": "gw-abc", "namespace": "ns", "uid": "u1", "labels": ["app": "gw"]]]
        let container: JSONValue = [
            "image": "gatehouse:latest", "workingDir": "/tmp",
            "args": ["dataplane", "--replica=$(POD_NAME)", "--ip=$(INSTANCE_IP)", "--keep=$$(POD_NAME)", "--unknown=$(NOPE)"],
            "env": [
                ["name": "POD_NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]],
                ["name": "INSTANCE_IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]],
                ["name": "APP", "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['app']"]]],
                ["name": "MESSAGE", "value": "hello $(POD_NAME)"],
            ],
        ]
        let launch = try ContainerLaunch.make(container, pod: pod, executable: "/usr/bin/gatehouse", root: "/data/pods/p",
                                              podIP: "127.0.0.1", nodeName: "node")
        #expect(launch.executable == "/usr/bin/gatehouse")
        #expect(launch.arguments == ["dataplane", "--replica=gw-abc", "--ip=127.0.0.1", "--keep=$(POD_NAME)", "--unknown=$(NOPE)"])
        #expect(launch.environment["APP"] == "gw" && launch.environment["MESSAGE"] == "hello gw-abc")
        #expect(launch.workingDirectory == "/data/pods/p/tmp")
        #expect(throws: ContainerLaunch.Refusal.self) {
            try ContainerLaunch.make(["image": "nginx:1.27"], pod: pod, executable: "/usr/bin/gatehouse", root: "/r", podIP: "127.0.0.1", nodeName: "n")
        }
        #expect(throws: ContainerLaunch.Refusal.self) {
            try ContainerLaunch.make(["image": "gatehouse:1", "command": ["/bin/sh", "-c", "id"]], pod: pod, executable: "/g",
                                     root: "/r", podIP: "127.0.0.1", nodeName: "n")
        }
    }

    @Test("environment from a Secret key: resolved from the store; a missing Secret is a retryable refusal, an optional one is skipped")
    func secretEnvironment() throws {
        let pod: JSONValue = ["metadata": ["name": "gw-abc", "namespace": "ns"]]
        let container: JSONValue = [
            "image": "gatehouse:1",
            "env": [["name": "TOKEN", "valueFrom": ["secretKeyRef": ["name": "gw-token", "key": "token"]]]],
        ]
        let secret: JSONValue = ["data": ["token": "c2VjcmV0LXRva2Vu"]]
        let launch = try ContainerLaunch.make(container, pod: pod, executable: "/g", root: "/r", podIP: "127.0.0.1", nodeName: "n",
                                              lookup: { kind, namespace, name in
                                                  kind == ResourceKinds.secret && namespace == "ns" && name == "gw-token" ? secret : nil
                                              })
        #expect(launch.environment["TOKEN"] == "secret-token")
        do {
            _ = try ContainerLaunch.make(container, pod: pod, executable: "/g", root: "/r", podIP: "127.0.0.1", nodeName: "n")
            Issue.record("a missing Secret must refuse the container")
        } catch {
            #expect(error.reason == "CreateContainerConfigError" && error.isRetryable && error.message.contains("gw-token"))
        }
        var optional = container
        optional[path: ["env"]] = [["name": "TOKEN", "valueFrom": ["secretKeyRef": ["name": "gw-token", "key": "token", "optional": true]]]]
        let skipped = try ContainerLaunch.make(optional, pod: pod, executable: "/g", root: "/r", podIP: "127.0.0.1", nodeName: "n")
        #expect(skipped.environment["TOKEN"] == nil)
    }

    @Test("pod status: Ready only with the container running and every readiness gate True; foreign conditions kept")
    func podStatus() {
        var pod: JSONValue = [
            "metadata": ["name": "p"], "spec": ["containers": [["name": "c", "image": "gatehouse:1"]],
                                                "readinessGates": [["conditionType": "gatehouse.io/serving"]]],
        ]
        let running = ContainerObservation(running: true, startedAt: "t0")
        var status = PodStatusBuilder.status(of: pod, container: running, podIP: "127.0.0.1", startTime: "t0", now: "t1")
        #expect(Self.condition(status, "Ready") == "False", "the gate is not True yet")
        #expect(Self.condition(status, "ContainersReady") == "True")
        pod["status"] = status
        var conditions = status["conditions"]?.arrayValue ?? []
        conditions.append(["type": "gatehouse.io/serving", "status": "True"])
        pod[path: ["status", "conditions"]] = .array(conditions)
        status = PodStatusBuilder.status(of: pod, container: running, podIP: "127.0.0.1", startTime: "t0", now: "t2")
        #expect(Self.condition(status, "Ready") == "True")
        #expect(Self.condition(status, "gatehouse.io/serving") == "True", "the gate's condition is kept")
        pod["status"] = status
        let again = PodStatusBuilder.status(of: pod, container: running, podIP: "127.0.0.1", startTime: "t0", now: "t3")
        #expect(again == status, "nothing changed: the same status (no write)")
        let crashed = PodStatusBuilder.status(of: pod, container: ContainerObservation(running: false, restartCount: 1, waitingReason: "CrashLoopBackOff",
                                                                                       lastTermination: "signal 9"),
                                              podIP: "127.0.0.1", startTime: "t0", now: "t4")
        #expect(Self.condition(crashed, "Ready") == "False")
        #expect(crashed[path: ["containerStatuses"]]?.arrayValue?.first?[path: ["state", "waiting", "reason"]] == "CrashLoopBackOff")
    }

    static func condition(_ status: JSONValue, _ type: String) -> String? {
        status["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }
}
