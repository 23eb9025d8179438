import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO
import Testing

/// Golden cases: `Testdata/<case>.in.yaml` -> `<case>.out.yaml`.
/// Regenerate with `UPDATE_GOLDEN=1 swift test --filter GatewayTranslatorTests`.
@Suite struct GoldenTests {
    static let updating = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"

    @Test(arguments: TranslatorHarness.caseNames())
    func golden(_ name: String) throws {
        let input = TranslatorHarness.testdata.appendingPathComponent("\(name).in.yaml")
        let expectedFile = TranslatorHarness.testdata.appendingPathComponent("\(name).out.yaml")
        let (snapshot, options, fixtures) = try TranslatorHarness.loadWithFixtures(String(contentsOf: input, encoding: .utf8))
        let actual = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options))
        // Key material made for this run must not reach the output (status, mesh resources).
        let leaks = fixtures.keyMaterial(in: actual)
        #expect(leaks.isEmpty, "\(name): the translation shows private key material: \(leaks)")
        if Self.updating {
            try actual.write(to: expectedFile, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: expectedFile, encoding: .utf8) else {
            Issue.record("\(name).out.yaml is missing; run: UPDATE_GOLDEN=1 swift test --filter GatewayTranslatorTests")
            return
        }
        if expected != actual {
            let diff = TranslatorHarness.unifiedDiff(expected: expectedFile, actual: actual)
            Issue.record("\(name): translation differs from the golden file\n\(diff)\nIf the change is intended, run: UPDATE_GOLDEN=1 swift test --filter GatewayTranslatorTests")
        }
    }

    /// There are cases at all (an empty directory would make the golden test vacuous), and no
    /// `.out.yaml` lacks its `.in.yaml` (deleted when updating).
    @Test func noStaleGoldenFiles() throws {
        #expect(TranslatorHarness.caseNames().count >= 30)
        let files = try FileManager.default.contentsOfDirectory(atPath: TranslatorHarness.testdata.path)
        let cases = Set(TranslatorHarness.caseNames())
        for file in files where file.hasSuffix(".out.yaml") && !cases.contains(String(file.dropLast(".out.yaml".count))) {
            if Self.updating {
                try FileManager.default.removeItem(at: TranslatorHarness.testdata.appendingPathComponent(file))
            } else {
                Issue.record("stale golden file \(file); run: UPDATE_GOLDEN=1 swift test --filter GatewayTranslatorTests")
            }
        }
    }
}
