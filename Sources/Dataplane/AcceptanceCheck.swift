import Foundation

/// Where the acceptance check reads Envoy's stats: the admin API, or recorded output in tests.
protocol EnvoyStatsSource: Sendable {
    /// Counters and text readouts whose names match `regex`: name -> value (quotes removed).
    func stats(matching regex: String) async throws -> [String: String]
}

extension EnvoyAdmin: EnvoyStatsSource {}

/// Decides whether Envoy took a version, from its admin stats: every xDS subscription whose file
/// changed reports that version in `version_text`, and no `update_rejected`/`update_failure`
/// counter moved (LDS, CDS, RDS and SDS: a certificate Envoy cannot load counts as
/// `sds.<name>.update_rejected`).
///
/// The stats source and the clock are injected: tests replay recorded admin output without
/// sleeping.
struct AcceptanceCheck<WaitClock: Clock> where WaitClock.Duration == Duration {
    enum Outcome { case accepted, rejected }

    let admin: any EnvoyStatsSource
    let version: String
    let changes: [ConfigFileWriter.Change]
    let baseline: Int
    var timeout: Duration = .seconds(3)
    /// How often the stats are read while waiting.
    var pollInterval: Duration = .milliseconds(2)
    let clock: WaitClock

    func wait() async -> Outcome {
        if changes.isEmpty { return .accepted }
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if let stats = try? await admin.stats(matching: "(version_text|update_rejected|update_failure)$") {
                let rejections = stats.filter { $0.key.hasSuffix("update_rejected") || $0.key.hasSuffix("update_failure") }
                    .values.reduce(0) { $0 + (Int($1) ?? 0) }
                if rejections > baseline { return .rejected }
                if changes.allSatisfy({ reached($0, in: stats) }) { return .accepted }
            }
            try? await clock.sleep(for: pollInterval)
        }
        // No rejection seen: Envoy took what it subscribes to (an RDS file no listener names
        // is never loaded, and that is not an error).
        return .accepted
    }

    private func reached(_ change: ConfigFileWriter.Change, in stats: [String: String]) -> Bool {
        switch change.type {
        case .listeners: return stats["listener_manager.lds.version_text"] == version
        case .clusters: return stats["cluster_manager.cds.version_text"] == version
        case .routes:
            let suffix = ".rds.\(change.name).version_text"
            let matching = stats.filter { $0.key.hasSuffix(suffix) }
            return !matching.isEmpty && matching.values.allSatisfy { $0 == version }
        case .secrets:
            // `sds.<name>.*`: the subscription exists once a listener names the secret (in
            // this push or before); until then there is nothing to wait for.
            guard let loaded = stats["sds.\(change.name).version_text"] else { return true }
            return loaded == version
        case .endpoints:
            return true
        }
    }
}
