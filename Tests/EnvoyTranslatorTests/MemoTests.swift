import GatewayModel
import Testing

@testable import EnvoyTranslator

/// A translation with a memo kept across pushes must equal one without it, whatever changed.
@Suite struct EnvoyMemoTests {
    /// Inputs a stream sees one after another: the case, a route removed, a route's match
    /// edited, a route renamed, and the case again.
    static func sequence(_ input: ProxyInput) -> [ProxyInput] {
        var sequence = [input, input]
        guard !input.routes.isEmpty else { return sequence }
        var removed = input
        removed.routes.removeLast()
        var edited = input
        if var rules = edited.routes[0].spec?.to?.first?.rules, !rules.isEmpty {
            rules[0].matches = [MeshHTTPRoute.Match(path: MeshHTTPRoute.PathMatch(value: "/edited", type: "Exact"))]
            edited.routes[0].spec?.to?[0].rules = rules
        }
        var renamed = input
        renamed.routes[0].metadata?.name = "renamed"
        sequence += [removed, input, edited, edited, renamed, input]
        // Backends change under unchanged routes: rendered routes must follow.
        if !input.endpointSlices.isEmpty {
            var drained = input
            drained.endpointSlices[0].endpoints = []
            sequence += [drained, drained, input]
        }
        if !input.services.isEmpty, !(input.services[0].spec?.ports ?? []).isEmpty {
            var h2c = input
            h2c.services[0].spec?.ports?[0].appProtocol = "kubernetes.io/h2c"
            var removedService = input
            removedService.services.removeFirst()
            sequence += [h2c, h2c, removedService, input]
        }
        return sequence
    }

    @Test(arguments: GoldenCase.allNames())
    func memoizedTranslationEqualsAFreshOne(_ name: String) throws {
        let golden = try GoldenCase.load(name)
        let memo = EnvoyTranslationMemo()
        for (step, input) in Self.sequence(golden.input).enumerated() {
            let fresh = EnvoyTranslator.translate(input, configDirectory: "/config", endpoints: golden.endpoints)
            let memoized = EnvoyTranslator.translate(input, configDirectory: "/config", endpoints: golden.endpoints, memo: memo)
            #expect(memoized == fresh, "step \(step) of \(name)")
        }
    }

    /// The files a config stream sends (route configurations assembled from reused route
    /// bytes) must carry what a fresh serialization carries, step after step.
    @Test(arguments: GoldenCase.allNames())
    func filesFromReusedRoutesEqualFreshOnes(_ name: String) throws {
        let golden = try GoldenCase.load(name)
        let memo = EnvoyTranslationMemo()
        for (step, input) in Self.sequence(golden.input).enumerated() {
            let fresh = XDSFiles.files(for: EnvoyTranslator.translate(input, configDirectory: "/config", endpoints: golden.endpoints),
                                       in: "/config")
            let reused = EnvoyTranslator.files(input, configDirectory: "/config", endpoints: golden.endpoints, memo: memo)
            #expect(reused.map(\.path).sorted() == fresh.map(\.path).sorted(), "step \(step) of \(name)")
            for file in fresh {
                let counterpart = reused.first { $0.path == file.path }
                #expect(counterpart?.type == file.type && counterpart?.name == file.name, "step \(step) of \(name): \(file.path)")
                #expect(try counterpart.map { try JSONParser.parse($0.resources) } == JSONParser.parse(file.resources),
                        "step \(step) of \(name): \(file.path)")
            }
        }
    }
}
