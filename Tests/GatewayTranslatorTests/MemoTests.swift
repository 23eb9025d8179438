import Foundation
import GatewayModel
import GatewayTranslator
import Testing

/// A translation with a memo kept across passes must equal a translation without one, whatever
/// changed between the passes.
@Suite struct MemoTests {
    static func snapshot(_ name: String) throws -> (ResourceSnapshot, TranslationOptions) {
        let text = try String(contentsOf: TranslatorHarness.testdata.appendingPathComponent("\(name).in.yaml"), encoding: .utf8)
        return try TranslatorHarness.load(text)
    }

    /// Variants of a snapshot a control plane sees between passes: a route removed, a route
    /// edited (new generation and resourceVersion), a Gateway's status rewritten, a listener renamed.
    static func variants(of snapshot: ResourceSnapshot) -> [ResourceSnapshot] {
        var variants: [ResourceSnapshot] = []
        if !snapshot.httpRoutes.isEmpty {
            var removed = snapshot
            removed.httpRoutes.removeLast()
            variants.append(removed)
            var edited = snapshot
            let generation = edited.httpRoutes[0].metadata?.generation ?? 1
            edited.httpRoutes[0].metadata?.generation = generation + 1
            edited.httpRoutes[0].metadata?.resourceVersion = "edited"
            edited.httpRoutes[0].spec.hostnames = ["edited.example.com"]
            variants.append(edited)
        }
        // The oldest TCPRoute or TLSRoute removed: a route it superseded now gets the
        // connections, while its own evaluation is remembered unchanged (`StreamConflicts`).
        if let oldest = snapshot.tcpRoutes.indices.min(by: { created(snapshot.tcpRoutes[$0].metadata) < created(snapshot.tcpRoutes[$1].metadata) }) {
            var removed = snapshot
            removed.tcpRoutes.remove(at: oldest)
            variants.append(removed)
        }
        if let oldest = snapshot.tlsRoutes.indices.min(by: { created(snapshot.tlsRoutes[$0].metadata) < created(snapshot.tlsRoutes[$1].metadata) }) {
            var removed = snapshot
            removed.tlsRoutes.remove(at: oldest)
            variants.append(removed)
        }
        if !snapshot.gateways.isEmpty {
            var status = snapshot
            status.gateways[0].status = GatewayStatus(conditions: [])
            status.gateways[0].metadata?.resourceVersion = "status-written"
            variants.append(status)
            if !(status.gateways[0].spec.listeners.isEmpty) {
                var renamed = snapshot
                renamed.gateways[0].spec.listeners[0].name = "renamed"
                variants.append(renamed)
            }
        }
        return variants
    }

    /// (creation time, name): the order stream routes compete in.
    static func created(_ metadata: ObjectMeta?) -> (String, String) {
        (metadata?.creationTimestamp ?? "", metadata?.name ?? "")
    }

    @Test(arguments: TranslatorHarness.caseNames())
    func memoizedTranslationEqualsAFreshOne(_ name: String) throws {
        let (original, options) = try Self.snapshot(name)
        let memo = TranslationMemo()
        var sequence = [original, original]
        for variant in Self.variants(of: original) { sequence += [variant, variant, original] }
        for (step, snapshot) in sequence.enumerated() {
            let fresh = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options))
            let memoized = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options, memo: memo))
            #expect(memoized == fresh, "step \(step) of \(name)")
        }
    }

    @Test func aMemoFollowsAChangeOfContextAcrossCases() throws {
        let memo = TranslationMemo()
        for name in TranslatorHarness.caseNames() {
            let (snapshot, options) = try Self.snapshot(name)
            let fresh = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options))
            #expect(try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options, memo: memo)) == fresh, "\(name)")
        }
    }
}
