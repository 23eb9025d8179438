import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO
import TestSupport
import Testing

/// Golden cases: `Testdata/<case>.in.yaml` -> `<case>.out.yaml`.
@Suite struct GoldenTests {
    static let directory = GoldenDirectory(regenerateCommand: "UPDATE_GOLDEN=1 swift test --filter GatewayTranslatorTests")

    @Test(arguments: GoldenTests.directory.caseNames())
    func golden(_ name: String) throws {
        let (snapshot, options, fixtures) = try GoldenSnapshot.load(Self.directory.input(name))
        let actual = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options))
        // Key material made for this run must not reach the output (status, mesh resources).
        let leaks = fixtures.keyMaterial(in: actual)
        #expect(leaks.isEmpty, "\(name): the translation shows private key material: \(leaks)")
        if let mismatch = try Self.directory.mismatch(name, actual: actual) { Issue.record(Comment(rawValue: mismatch)) }
    }

    /// There are cases at all (an empty directory would make the golden test vacuous), and no
    /// `.out.yaml` lacks its `.in.yaml` (deleted when updating).
    @Test func noStaleGoldenFiles() throws {
        #expect(Self.directory.caseNames().count >= 30)
        for file in try Self.directory.staleOutputs() {
            Issue.record("stale golden file \(file); run: \(Self.directory.regenerateCommand)")
        }
    }
}
