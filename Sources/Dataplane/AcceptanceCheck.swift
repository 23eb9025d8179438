import Foundation

/// Decides whether Envoy took a version, from its admin stats: every xDS subscription whose file
/// changed reports that version in `version_text`, and no `update_rejected`/`update_failure`
/// counter moved (LDS, CDS, RDS and SDS: a certificate Envoy cannot load counts as
/// `sds.<name>.update_rejected`).
struct AcceptanceCheck {
    enum Outcome { case accepted, rejected }

    let admin: EnvoyAdmin
    let version: String
    let changes: [ConfigFileWriter.Change]
    let baseline: Int
    var timeout: Duration = .seconds(3)

    func wait() async -> Outcome {
        if changes.isEmpty { return .accepted }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let stats = try? await admin.stats(matching: "(version_text|update_rejected|update_failure)$") {
                let rejections = stats.filter { $0.key.hasSuffix("update_rejected") || $0.key.hasSuffix("update_failure") }
                    .values.reduce(0) { $0 + (Int($1) ?? 0) }
                if rejections > baseline { return .rejected }
                if changes.allSatisfy({ reached($0, in: stats) }) { return .accepted }
            }
            try? await Task.sleep(for: .milliseconds(2))
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
