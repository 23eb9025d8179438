import EnvoyTranslator
import Foundation
import GatewayModel
import Testing

/// Config per sidecar depends only on what that sidecar can reach: a change to routes pushes
/// to the sidecars whose `SidecarInput` it changes, and leaves every other input equal (equal
/// inputs give equal resources, hence nothing to push).
@Suite struct AffectedSidecarsTests {
    /// The inputs of every Dataplane of the case after `change`, by "namespace/name".
    static func inputs(_ testCase: SidecarCase, after change: (inout ResourceSnapshot) -> Void) throws -> [String: SidecarInput] {
        var snapshot = testCase.snapshot
        change(&snapshot)
        var inputs: [String: SidecarInput] = [:]
        for dataplane in testCase.dataplanes {
            inputs["\(dataplane.metadata?.namespace ?? "")/\(dataplane.metadata?.name ?? "")"] =
                try testCase.input(for: dataplane, snapshot: snapshot)
        }
        return inputs
    }

    /// Edits the first rule's response header value of the HTTPRoute `namespace/name`.
    static func editHeader(_ snapshot: inout ResourceSnapshot, route namespace: String, _ name: String, to value: String) {
        guard let position = snapshot.httpRoutes.firstIndex(where: { $0.metadata?.namespace == namespace && $0.metadata?.name == name })
        else { return }
        var route = snapshot.httpRoutes[position]
        let generation = route.metadata?.generation ?? 1
        route.metadata?.generation = generation + 1
        route.spec.rules?[0].filters?[0].responseHeaderModifier?.set?[0].value = value
        snapshot.httpRoutes[position] = route
    }

    @Test func aConsumerRouteChangeReachesOnlyItsNamespace() throws {
        let testCase = try SidecarCase.load("sidecar-consumer-overrides-producer")
        let before = try Self.inputs(testCase) { _ in }
        let after = try Self.inputs(testCase) { Self.editHeader(&$0, route: "frontend", "catalog-canary", to: "consumer-2") }
        #expect(before["frontend/web-7d4b9"] != after["frontend/web-7d4b9"])
        #expect(before["shop/catalog-6c8f1"] == after["shop/catalog-6c8f1"])
        #expect(before["other/client-1"] == after["other/client-1"])
    }

    @Test func aProducerRouteChangeReachesEveryClientItDecidesFor() throws {
        let testCase = try SidecarCase.load("sidecar-consumer-overrides-producer")
        let before = try Self.inputs(testCase) { _ in }
        let after = try Self.inputs(testCase) { Self.editHeader(&$0, route: "shop", "catalog", to: "producer-2") }
        // The producer route still decides catalog:8080 for frontend, and both ports for the others.
        #expect(before["frontend/web-7d4b9"] != after["frontend/web-7d4b9"])
        #expect(before["shop/catalog-6c8f1"] != after["shop/catalog-6c8f1"])
        #expect(before["other/client-1"] != after["other/client-1"])
    }

    @Test func aProducerRouteOnAPortEveryConsumerClaimsLeavesThatNamespaceAlone() throws {
        let testCase = try SidecarCase.load("sidecar-consumer-overrides-producer")
        // The producer route narrowed to port 80, which frontend's consumer route decides there.
        let narrowed = try Self.inputs(testCase) { snapshot in
            guard let position = snapshot.httpRoutes.firstIndex(where: { $0.metadata?.name == "catalog" }) else { return }
            snapshot.httpRoutes[position].spec.parentRefs?[0].port = 80
        }
        let edited = try Self.inputs(testCase) { snapshot in
            guard let position = snapshot.httpRoutes.firstIndex(where: { $0.metadata?.name == "catalog" }) else { return }
            snapshot.httpRoutes[position].spec.parentRefs?[0].port = 80
            Self.editHeader(&snapshot, route: "shop", "catalog", to: "producer-2")
        }
        #expect(narrowed["frontend/web-7d4b9"] == edited["frontend/web-7d4b9"])
        #expect(narrowed["other/client-1"] != edited["other/client-1"])
    }

    @Test func aRouteInAnotherMeshReachesNoSidecarOfThisOne() throws {
        let testCase = try SidecarCase.load("sidecar-no-routes")
        let before = try Self.inputs(testCase) { _ in }
        let route = try JSONParser.parse("""
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "ledger", "namespace": "payments", "generation": 1},
             "spec": {"parentRefs": [{"group": "", "kind": "Service", "name": "ledger"}],
                      "rules": [{"backendRefs": [{"name": "ledger", "port": 80}]}]}}
            """).decode(HTTPRoute.self)
        let after = try Self.inputs(testCase) { $0.httpRoutes.append(route) }
        #expect(before["frontend/web-7d4b9"] == after["frontend/web-7d4b9"])
        #expect(before["payments/ledger-5f6c"] != after["payments/ledger-5f6c"])
        #expect(after["payments/ledger-5f6c"]?.routes.count == 1)
    }

    /// Equal inputs give byte-equal resources (so "input unchanged" means "nothing to push").
    @Test func equalInputsGiveEqualResources() throws {
        let testCase = try SidecarCase.load("sidecar-consumer-overrides-producer")
        let first = try Self.inputs(testCase) { _ in }
        let second = try Self.inputs(testCase) { Self.editHeader(&$0, route: "frontend", "catalog-canary", to: "consumer-2") }
        let unchanged = try #require(first["shop/catalog-6c8f1"])
        let again = try #require(second["shop/catalog-6c8f1"])
        #expect(SidecarTranslator.translate(unchanged).version == SidecarTranslator.translate(again).version)
    }
}
