import Foundation
import GatewayModel
import GatewayTranslator
import Testing

/// The memo stays correct for routes with Service parents: what their evaluation reads besides
/// the route (the parent Service's ports, the namespaces' mesh labels, ReferenceGrants) changes
/// between passes, and a memoized translation must still equal a fresh one.
@Suite struct GammaMemoTests {
    /// Changes a control plane sees between passes that touch only the context of GAMMA routes.
    static func contextChanges(of snapshot: ResourceSnapshot) -> [(String, ResourceSnapshot)] {
        var changes: [(String, ResourceSnapshot)] = []
        if let position = snapshot.services.firstIndex(where: { $0.metadata?.name == "catalog" }) {
            var portRemoved = snapshot
            portRemoved.services[position].spec?.ports?.removeLast()
            changes.append(("a parent Service port removed", portRemoved))
            var appProtocolChanged = snapshot
            for port in (appProtocolChanged.services[position].spec?.ports ?? []).indices {
                appProtocolChanged.services[position].spec?.ports?[port].appProtocol = "tcp"
            }
            changes.append(("the parent Service's ports no longer HTTP", appProtocolChanged))
            var removed = snapshot
            removed.services.remove(at: position)
            changes.append(("the parent Service deleted", removed))
        }
        if let position = snapshot.namespaces.firstIndex(where: { $0.metadata?.name == "shop" }) {
            var otherMesh = snapshot
            otherMesh.namespaces[position].metadata?.labels = [GeneratedLabels.mesh: "payments"]
            changes.append(("the parent's namespace moved to another mesh", otherMesh))
        }
        if !snapshot.referenceGrants.isEmpty {
            var revoked = snapshot
            revoked.referenceGrants.removeAll()
            changes.append(("ReferenceGrants revoked", revoked))
        }
        return changes
    }

    @Test(arguments: ["gamma-producer", "gamma-consumer-overrides-producer", "gamma-cross-namespace-backend-with-grant",
                      "gamma-two-ports", "gamma-mixed-parents"])
    func memoizedTranslationEqualsAFreshOne(_ name: String) throws {
        let (original, options) = try MemoTests.snapshot(name)
        let changes = Self.contextChanges(of: original)
        #expect(!changes.isEmpty, "\(name) has nothing to change")
        let memo = TranslationMemo()
        var sequence: [(String, ResourceSnapshot)] = [("original", original), ("original again", original)]
        for change in changes { sequence += [change, change, ("original", original)] }
        for (step, snapshot) in sequence {
            let fresh = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options))
            let memoized = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options, memo: memo))
            #expect(memoized == fresh, "\(name): \(step)")
        }
    }

    /// A change of context really changes the GAMMA output (so the test above can fail).
    @Test func aRemovedParentServiceChangesTheOutput() throws {
        let (original, options) = try MemoTests.snapshot("gamma-producer")
        let removed = try #require(Self.contextChanges(of: original).first { $0.0 == "the parent Service deleted" }?.1)
        let before = GatewayTranslator.translate(original, options: options)
        let after = GatewayTranslator.translate(removed, options: options)
        #expect(before.meshHTTPRoutes.count == 1)
        #expect(after.meshHTTPRoutes.isEmpty)
    }
}
