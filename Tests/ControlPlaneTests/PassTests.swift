@testable import ControlPlane
import GatewayModel
import GatewayTranslator
import ResourceStore
import Synchronization
import Testing

@Suite("Pass memory, relevance and address carry-over")
struct PassTests {
    @Test("PassMemory hands on only what changed and names what disappeared")
    func passMemory() throws {
        var memory = PassMemory()
        let key = ObjectKey(kind: ResourceKinds.gateway, namespace: "default", name: "g")
        let first = memory.changes(statuses: [StatusUpdate(key: key, status: ["a": 1])], meshGateways: [],
                                   meshHTTPRoutes: [try MeshWriterTests.meshRoute("r")])
        #expect(first.0.count == 1 && first.2.count == 1 && first.3.isEmpty)
        let second = memory.changes(statuses: [StatusUpdate(key: key, status: ["a": 1])], meshGateways: [],
                                    meshHTTPRoutes: [try MeshWriterTests.meshRoute("r")])
        #expect(second.0.isEmpty && second.2.isEmpty && second.3.isEmpty, "nothing changed: nothing to write")
        let third = memory.changes(statuses: [], meshGateways: [], meshHTTPRoutes: [])
        #expect(third.3 == [ObjectKey(kind: ResourceKinds.meshHTTPRoute, namespace: "kuma-system", name: "r")])
        #expect(memory.needsLeftoverSweep() && !memory.needsLeftoverSweep(), "the leftover sweep runs once")
    }

    @Test("PassMemory hands on changed generated MeshTCPRoutes, names the ones gone, and leaves user-written ones alone")
    func passMemoryTCPRoutes() {
        func route(_ name: String, generated: Bool, port: Int64 = 5432) -> MeshTCPRoute {
            let labels = generated ? [GeneratedLabels.managedBy: "gatehouse"] : [:]
            return MeshTCPRoute(metadata: ObjectMeta(name: name, namespace: "kuma-system", labels: labels), spec: MeshTCPRoute.Spec(
                targetRef: KumaTargetRef(kind: "MeshGateway", name: "gw.infra"),
                to: [MeshTCPRoute.To(targetRef: KumaTargetRef(kind: "Mesh"), rules: [MeshTCPRoute.Rule(default: MeshTCPRoute.RuleConf(
                    backendRefs: [KumaBackendRef(kind: "MeshService", name: "db", namespace: "infra", port: port)]))])]))
        }
        var memory = PassMemory()
        let first = memory.changes(meshTCPRoutes: [route("generated", generated: true), route("authored", generated: false)])
        #expect(first.0.map(\.name) == ["generated"] && first.1.isEmpty, "only the generated route is written")
        let unchanged = memory.changes(meshTCPRoutes: [route("generated", generated: true)])
        #expect(unchanged.0.isEmpty && unchanged.1.isEmpty)
        let edited = memory.changes(meshTCPRoutes: [route("generated", generated: true, port: 5433)])
        #expect(edited.0.map(\.name) == ["generated"] && edited.1.isEmpty)
        let gone = memory.changes(meshTCPRoutes: [route("authored", generated: false)])
        #expect(gone.0.isEmpty && gone.1 == [ObjectKey(kind: ResourceKinds.meshTCPRoute, namespace: "kuma-system", name: "generated")])
    }

    static func event(_ type: ChangeType, plural: String, object: JSONValue, previous: JSONValue? = nil) -> StoreEvent {
        let kind = ResourceKinds.all.first { $0.plural == plural }!
        return StoreEvent(type: type, key: ObjectKey(kind: kind, namespace: object.namespace, name: object.name ?? ""),
                          resourceVersion: 1, object: object, previous: previous)
    }

    @Test("status-only writes, generated objects and ConfigMaps do not start a pass; Gateway address changes do")
    func relevance() {
        let gateway: JSONValue = ["metadata": ["name": "g", "namespace": "d", "resourceVersion": "1"], "spec": ["gatewayClassName": "kuma"]]
        var statusOnly = gateway
        statusOnly["status"] = ["conditions": []]
        statusOnly[path: ["metadata", "resourceVersion"]] = "2"
        #expect(!Reconciler.isRelevant(Self.event(.modified, plural: "gateways", object: statusOnly, previous: gateway)))
        var addressed = statusOnly
        addressed["status"] = ["addresses": [["value": "127.0.100.1"]]]
        #expect(Reconciler.isRelevant(Self.event(.modified, plural: "gateways", object: addressed, previous: statusOnly)))
        var specChange = gateway
        specChange[path: ["spec", "gatewayClassName"]] = "other"
        #expect(Reconciler.isRelevant(Self.event(.modified, plural: "gateways", object: specChange, previous: gateway)))
        let generated: JSONValue = ["metadata": ["name": "r", "namespace": "kuma-system", "labels": ["gatehouse.io/managed-by": "gatehouse"]]]
        #expect(!Reconciler.isRelevant(Self.event(.added, plural: "meshhttproutes", object: generated)))
        #expect(Reconciler.isRelevant(Self.event(.deleted, plural: "meshhttproutes", object: generated)), "a deleted generated object is re-created")
        #expect(!Reconciler.isRelevant(Self.event(.added, plural: "configmaps", object: ["metadata": ["name": "c", "namespace": "d"]])))
    }

    @Test("addresses handed out by a pass whose status is not written yet keep Gateways created together stable")
    func addressCarryOver() throws {
        let objects: [JSONValue] = [
            ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": ["name": "kuma"],
             "spec": ["controllerName": "gateways.kuma.io/controller"]],
        ] + ["a", "b", "c"].map { name in
            ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": ["name": .string(name), "namespace": "d"],
             "spec": ["gatewayClassName": "kuma", "listeners": [["name": "http", "port": 80, "protocol": "HTTP"]]]]
        }
        let keyed = objects.map { object -> (key: ObjectKey, object: JSONValue) in
            let kind = ResourceKinds.all.first { $0.kind == object["kind"]?.stringValue }!
            return (ObjectKey(kind: kind, namespace: object.namespace, name: object.name ?? ""), object)
        }
        let options = TranslationOptions(addressPool: try AddressPool(cidr: "127.0.100.0/24"))
        var snapshot = ResourceSnapshot(objects: keyed)
        let first = GatewayTranslator.translate(snapshot, options: options)
        let assigned = Reconciler.assignedAddresses(of: first)
        #expect(Set(assigned.values).count == 3, "distinct addresses")
        // `b` is deleted before any status was written: the others keep theirs.
        snapshot.gateways.removeAll { $0.metadata?.name == "b" }
        Reconciler.carryOver(assigned, into: &snapshot)
        let second = Reconciler.assignedAddresses(of: GatewayTranslator.translate(snapshot, options: options))
        #expect(second["d/a"] == assigned["d/a"] && second["d/c"] == assigned["d/c"])
    }
}

@Suite("Dataplane registry")
struct DataplaneRegistryTests {
    static func report(_ replica: String, running: Bool = true, accepted: String? = nil, rejected: String? = nil, ports: [Int] = []) -> JSONValue {
        var value: JSONValue = ["gateway": "d/g", "replica": .string(replica), "running": .bool(running),
                                "readyPorts": .array(ports.map { .integer(Int64($0)) })]
        if let accepted { value["acceptedVersion"] = .string(accepted) }
        if let rejected { value["rejectedVersion"] = .string(rejected); value["rejectionMessage"] = "bad" }
        return value
    }

    @Test("replicas fold into one state: accepted only when every running replica accepted the same version, ports all have bound")
    func folding() throws {
        let wakes = Counter()
        let registry = DataplaneRegistry { wakes.value.withLock { $0 += 1 } }
        registry.streamOpened("d/g", replica: "0")
        registry.streamOpened("d/g", replica: "1")
        try registry.record(Self.report("0", accepted: "v1", ports: [80, 443]))
        try registry.record(Self.report("1", accepted: "v2", ports: [80]))
        var state = try #require(registry.states()["d/g"])
        #expect(state.running && state.acceptedVersion == nil && state.readyPorts == [80])
        try registry.record(Self.report("1", accepted: "v1", ports: [80, 443]))
        state = try #require(registry.states()["d/g"])
        #expect(state.acceptedVersion == "v1" && state.readyPorts == [80, 443])
        try registry.record(Self.report("1", rejected: "v2"))
        #expect(registry.states()["d/g"]?.rejectedVersion == "v2")
        let before = wakes.value.withLock { $0 }
        try registry.record(Self.report("1", rejected: "v2"))
        #expect(wakes.value.withLock { $0 } == before, "an identical report wakes nobody")
        #expect(throws: DataplaneProtocolError.self) { try registry.record(["replica": "0"]) }
        // A replica whose stream closes (its agent died without a word) no longer serves.
        try registry.record(Self.report("1", accepted: "v1", ports: [80]))
        registry.streamClosed("d/g", replica: "1")
        state = try #require(registry.states()["d/g"])
        #expect(state.running && state.downReplicas == ["1"] && state.readyPorts == [80, 443])
        registry.streamClosed("d/g", replica: "0")
        state = try #require(registry.states()["d/g"])
        #expect(!state.running && state.downReplicas == ["0", "1"], "no replica serves: the Gateway's Programmed turns False")
        registry.streamOpened("d/g", replica: "0")
        #expect(registry.states()["d/g"]?.running == true, "back once its agent reconnects")
        registry.forget("d/g")
        #expect(registry.states()["d/g"] == nil)
    }

    @Test("a replica presumed serving (adopted after a restart) serves until its agent reports, its container stops, or the grace ends")
    func presumption() async throws {
        let wakes = Counter()
        let registry = DataplaneRegistry { wakes.value.withLock { $0 += 1 } }
        registry.presumeServing("d/g", replica: "0", readyPorts: [80], grace: .seconds(60))
        registry.presumeServing("d/g", replica: "1", readyPorts: [80], grace: .seconds(60))
        var state = try #require(registry.states()["d/g"])
        #expect(state.running && state.acceptedVersion != nil && state.readyPorts == [80] && state.downReplicas.isEmpty)
        #expect(registry.isServing("d/g", replica: "0") && registry.isServing("d/g", replica: "1"))
        // Replica 0 reconnects and reports: its version counts; the presumed replica 1 does not
        // veto it, nor does anything the translation reads change.
        let before = wakes.value.withLock { $0 }
        registry.streamOpened("d/g", replica: "0")
        try registry.record(Self.report("0", accepted: "v7", ports: [80]))
        state = try #require(registry.states()["d/g"])
        #expect(state.running && state.acceptedVersion == "v7" && state.readyPorts == [80])
        #expect(wakes.value.withLock { $0 } - before == 1, "only the stream's opening woke the pipeline")
        // Replica 1's container is seen stopped: no longer presumed.
        registry.replicaExited("d/g", replica: "1")
        #expect(!registry.isServing("d/g", replica: "1"))
        // A presumption ends with its grace when no report comes.
        registry.presumeServing("d/h", replica: "0", readyPorts: [80], grace: .milliseconds(50))
        #expect(registry.states()["d/h"]?.running == true)
        let deadline = ContinuousClock.now + .seconds(10)
        while registry.states()["d/h"] != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(registry.states()["d/h"] == nil, "nothing is known of it once its grace is over")
        #expect(!registry.isServing("d/h", replica: "0"))
    }
}

/// A count shared with a callback.
final class Counter: Sendable {
    let value = Mutex(0)
}
