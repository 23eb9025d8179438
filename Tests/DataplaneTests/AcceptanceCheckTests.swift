import Clocks
import Foundation
@testable import Dataplane
import GatewayModel
import Synchronization
import Testing

/// Envoy's admin answers (`Recorded/`, from a real Envoy 1.40), replayed one per read (the
/// last one repeats): the acceptance check decides from them alone, on a clock that never
/// sleeps.
final class RecordedStats: EnvoyStatsSource {
    private let answers: Mutex<[String]>
    init(_ answers: [String]) { self.answers = Mutex(answers) }

    func stats(matching regex: String) async throws -> [String: String] {
        read(textReadoutsOnly: false)
    }

    /// The next answer's text readouts (the quoted values), as `type=TextReadouts` gives them.
    func textReadouts(matching regex: String) async throws -> [String: String] {
        read(textReadoutsOnly: true)
    }

    private func read(textReadoutsOnly: Bool) -> [String: String] {
        let text = answers.withLock { $0.count > 1 ? $0.removeFirst() : ($0.first ?? "") }
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.range(of: ": ") else { continue }
            var value = String(line[colon.upperBound...])
            let quoted = value.hasPrefix("\"") && value.hasSuffix("\"")
            if quoted { value = String(value.dropFirst().dropLast()) }
            if textReadoutsOnly && !quoted { continue }
            result[String(line[..<colon.lowerBound])] = value
        }
        return result
    }
}

@Suite("Acceptance check on recorded admin output")
struct AcceptanceCheckTests {
    static func recorded(_ name: String) throws -> String {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Recorded")
        return try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static let routeChange = [ConfigFileWriter.Change(type: .routes, name: "kuma-demo/kuma/8080")]

    @Test("accepted once every changed subscription reports the version")
    func accepted() async throws {
        let before = try Self.recorded("stats-before.txt")
        let after = try Self.recorded("stats-route-accepted.txt")
        let check = AcceptanceCheck(admin: RecordedStats([before, before, after]), version: "1by5nvv-3",
                                    changes: Self.routeChange, baseline: 0, clock: ImmediateClock())
        #expect(await check.wait() == .accepted)
    }

    @Test("a version the versions alone show accepted keeps the baseline; a reading of the counters gives theirs")
    func baselineAfterAcceptance() async throws {
        let before = try Self.recorded("stats-before.txt")
        let after = try Self.recorded("stats-route-accepted.txt")
        // First reading (versions alone) shows it.
        let byVersions = AcceptanceCheck(admin: RecordedStats([after]), version: "1by5nvv-3",
                                         changes: Self.routeChange, baseline: 7, clock: ImmediateClock())
        let first = await byVersions.waitCounting()
        #expect(first.outcome == .accepted && first.rejections == 7)
        // The third reading (counters too) is the first to show it.
        let byCounters = AcceptanceCheck(admin: RecordedStats([before, before, after]), version: "1by5nvv-3",
                                         changes: Self.routeChange, baseline: 0, clock: ImmediateClock())
        let (outcome, rejections) = await byCounters.waitCounting()
        let counted = AcceptanceCheck<ImmediateClock>.rejections(in: try await RecordedStats([after]).stats(matching: ""))
        #expect(outcome == .accepted && rejections == counted)
    }

    @Test("rejected as soon as a rejection counter moves past the baseline")
    func rejected() async throws {
        let accepted = try Self.recorded("stats-route-accepted.txt")
        let rejected = try Self.recorded("stats-route-rejected.txt")
        let check = AcceptanceCheck(admin: RecordedStats([accepted, rejected]), version: "1by5nvv-4",
                                    changes: Self.routeChange, baseline: 0, clock: ImmediateClock())
        #expect(await check.wait() == .rejected)
        let earlier = AcceptanceCheck(admin: RecordedStats([rejected, try Self.recorded("stats-route-accepted.txt")
            .replacingOccurrences(of: "1by5nvv-3", with: "1by5nvv-5")
            .replacingOccurrences(of: "8080.update_rejected: 0", with: "8080.update_rejected: 1")]),
            version: "1by5nvv-5", changes: Self.routeChange, baseline: 1, clock: ImmediateClock())
        #expect(await earlier.wait() == .accepted, "a rejection counted before this push (the baseline) is not this push's")
    }

    @Test("no rejection within the timeout counts as taken (an RDS file no listener names is never loaded)")
    func timeout() async throws {
        let check = AcceptanceCheck(admin: RecordedStats([try Self.recorded("stats-before.txt")]), version: "1by5nvv-9",
                                    changes: [ConfigFileWriter.Change(type: .routes, name: "unused")], baseline: 0,
                                    clock: ImmediateClock())
        #expect(await check.wait() == .accepted)
    }

    @Test("a listener file Envoy never shows the version of is unconfirmed after the timeout, not taken")
    func unconfirmed() async throws {
        let change = ConfigFileWriter.Change(type: .listeners, name: "listeners", path: "lds/listeners.json")
        let unused = ConfigFileWriter.Change(type: .routes, name: "unused", path: "rds/unused.pb")
        let check = AcceptanceCheck(admin: RecordedStats([try Self.recorded("stats-before.txt")]), version: "1by5nvv-9",
                                    changes: [change, unused], baseline: 0, clock: ImmediateClock())
        #expect(await check.wait() == .unconfirmed([change]), "the RDS file no listener names has no subscription to wait for")
    }

    @Test("a secret no listener names yet has nothing to wait for; a named one that fails to load is a rejection")
    func secrets() async throws {
        let before = try Self.recorded("stats-before.txt")
        let change = [ConfigFileWriter.Change(type: .secrets, name: "gapi-demo-cert")]
        let unnamed = AcceptanceCheck(admin: RecordedStats([before]), version: "1by5nvv-3", changes: change,
                                      baseline: 0, clock: ImmediateClock())
        #expect(await unnamed.wait() == .accepted)
        // SDS stats are named `sds.<secret>.*` (Envoy's SDS subscription stats).
        let loading = before + "sds.gapi-demo-cert.update_rejected: 0\nsds.gapi-demo-cert.version_text: \"1by5nvv-2\"\n"
        let failed = loading.replacingOccurrences(of: "sds.gapi-demo-cert.update_rejected: 0", with: "sds.gapi-demo-cert.update_rejected: 1")
        let named = AcceptanceCheck(admin: RecordedStats([loading, failed]), version: "1by5nvv-3", changes: change,
                                    baseline: 0, clock: ImmediateClock())
        #expect(await named.wait() == .rejected)
    }
}
