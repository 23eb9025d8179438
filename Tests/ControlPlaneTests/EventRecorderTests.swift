@testable import ControlPlane
import Foundation
import GatewayModel
import Logging
import ResourceStore
import Testing

/// Events as values: which status writes mean an event, how repeats aggregate, when they expire.
@Suite("Events")
struct EventRecorderTests {
    static func gateway(conditions: [JSONValue], listeners: [JSONValue] = []) -> JSONValue {
        ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
         "metadata": ["name": "kuma", "namespace": "default", "uid": "u-1"],
         "status": ["conditions": .array(conditions), "listeners": .array(listeners)]]
    }

    static func condition(_ type: String, _ status: String, _ reason: String, _ message: String = "") -> JSONValue {
        ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message)]
    }

    @Test("status writes mean events only on a changed status or reason, and for listeners whose refs stop resolving")
    func transitions() {
        let pending = Self.gateway(conditions: [Self.condition("Accepted", "True", "Accepted"), Self.condition("Programmed", "False", "Pending")])
        let programmed = Self.gateway(conditions: [Self.condition("Accepted", "True", "Accepted"),
                                                   Self.condition("Programmed", "True", "Programmed", "Envoy accepted")])
        let events = StatusEvents.transitions(kind: ResourceKinds.gateway, stored: pending, status: programmed["status"] ?? .null)
        #expect(events == [ControllerEvent(kind: ResourceKinds.gateway, namespace: "default", name: "kuma", uid: "u-1", severity: .normal,
                                           reason: "Programmed", message: "Programmed=True: Envoy accepted")])
        #expect(StatusEvents.transitions(kind: ResourceKinds.gateway, stored: programmed, status: programmed["status"] ?? .null).isEmpty)
        let fresh = StatusEvents.transitions(kind: ResourceKinds.gateway, stored: Self.gateway(conditions: []), status: pending["status"] ?? .null)
        #expect(fresh.map(\.reason) == ["Accepted", "Pending"] && fresh.allSatisfy { $0.severity == .normal })
        let failing = Self.gateway(conditions: [Self.condition("Accepted", "True", "Accepted"), Self.condition("Programmed", "False", "Invalid", "x")],
                                   listeners: [["name": "https", "conditions": [Self.condition("ResolvedRefs", "False", "InvalidCertificateRef", "Secret default/c not found")]]])
        let bad = StatusEvents.transitions(kind: ResourceKinds.gateway, stored: programmed, status: failing["status"] ?? .null)
        #expect(bad.map(\.reason) == ["Invalid", "InvalidCertificateRef"] && bad.allSatisfy { $0.severity == .warning })
        #expect(bad.last?.message == "listener https: Secret default/c not found")
        #expect(StatusEvents.transitions(kind: ResourceKinds.httpRoute, stored: pending, status: programmed["status"] ?? .null).isEmpty)
    }

    @Test("a repeated event updates one pair of objects (count, series); expired ones are removed from both APIs")
    func aggregationAndExpiry() async throws {
        let (store, directory) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = EventRecorder(store: store, ttl: .seconds(60), logger: Logger(label: "test"))
        let event = ControllerEvent(kind: ResourceKinds.gateway, namespace: "default", name: "kuma", severity: .warning,
                                    reason: "ConfigRejected", message: "no")
        // Whole seconds: core Event times have no fraction.
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        await recorder.write(event, at: start)
        await recorder.write(event, at: start.addingTimeInterval(5))
        let core = store.list(ObjectFilter(kind: ResourceKinds.event)).items
        let newer = store.list(ObjectFilter(kind: ResourceKinds.eventV1)).items
        #expect(core.count == 1 && newer.count == 1)
        #expect(core.first?["count"] == 2 && core.first?[path: ["involvedObject", "kind"]] == "Gateway")
        #expect(newer.first?[path: ["series", "count"]] == 2 && newer.first?["note"] == "no" && newer.first?["action"] == "Reconcile")
        #expect(core.first?.name == newer.first?.name)
        await recorder.write(ControllerEvent(kind: ResourceKinds.gateway, namespace: "default", name: "kuma", severity: .warning,
                                             reason: "ConfigRejected", message: "other"), at: start.addingTimeInterval(6))
        #expect(store.list(ObjectFilter(kind: ResourceKinds.event)).items.count == 2, "another message is another event")

        await recorder.pruneExpired(now: start.addingTimeInterval(65.5))
        let left = store.list(ObjectFilter(kind: ResourceKinds.event)).items
        #expect(left.compactMap { $0["message"]?.stringValue } == ["other"], "the first was last seen at +5 s, more than 60 s before")
        #expect(store.list(ObjectFilter(kind: ResourceKinds.eventV1)).items.count == 1)
        await recorder.pruneExpired(now: start.addingTimeInterval(67))
        #expect(store.list(ObjectFilter(kind: ResourceKinds.event)).items.isEmpty)
        #expect(store.list(ObjectFilter(kind: ResourceKinds.eventV1)).items.isEmpty)
        await recorder.write(event, at: start.addingTimeInterval(70))
        #expect(store.list(ObjectFilter(kind: ResourceKinds.event)).items.first?["count"] == 1, "a pruned series starts again")
    }
}
