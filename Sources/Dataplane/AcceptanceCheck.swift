/// Where the acceptance check reads Envoy's stats: the admin API, or recorded output in tests.
protocol EnvoyStatsSource: Sendable {
    /// Counters and text readouts whose names match `regex`: name -> value (quotes removed).
    func stats(matching regex: String) async throws -> [String: String]
    /// Only the text readouts whose names match `regex` (Envoy's `type=TextReadouts`: about a
    /// third of the cost of a reading of every kind).
    func textReadouts(matching regex: String) async throws -> [String: String]
}

extension EnvoyAdmin: EnvoyStatsSource {}

/// Decides whether Envoy took a version, from its admin stats: every xDS subscription whose file
/// changed reports that version in `version_text`, and no `update_rejected`/`update_failure`
/// counter moved (LDS, CDS, RDS and SDS: a certificate Envoy cannot load counts as
/// `sds.<name>.update_rejected`). When the timeout passes with neither, the version is
/// `unconfirmed` if a subscription that exists (LDS, CDS, an RDS one Envoy has) still shows
/// another version; an RDS file no listener names has no subscription, and is taken.
///
/// The stats source and the clock are injected: tests replay recorded admin output without
/// sleeping.
struct AcceptanceCheck<WaitClock: Clock> where WaitClock.Duration == Duration {
    enum Outcome: Equatable {
        case accepted, rejected
        /// Timed out: these changes' subscriptions do not show the version.
        case unconfirmed([ConfigFileWriter.Change])
    }

    let admin: any EnvoyStatsSource
    let version: String
    let changes: [ConfigFileWriter.Change]
    let baseline: Int
    var timeout: Duration = .seconds(3)
    /// The wait before the first reading of the stats; each later wait doubles, up to
    /// `longestPoll`. A reading costs Envoy about 0.4 ms of CPU (it walks every stat), and
    /// while many sidecars take a change at once their Envoys share the CPU: polling at a fixed
    /// 2 ms spent more on readings than on loading the change.
    var firstPoll: Duration = .milliseconds(1)
    /// The longest wait between two readings.
    var longestPoll: Duration = .milliseconds(25)
    /// Raised when a newer version waits to be written: the current wait ends, and later
    /// ones are `firstPoll`, so the newer version is not held up by this one's backoff.
    var interrupt: AcceptanceInterrupt?
    let clock: WaitClock

    /// The stats that decide.
    static var statsFilter: String { "(version_text|update_rejected|update_failure)$" }
    /// The versions alone.
    static var versionFilter: String { "version_text$" }

    func wait() async -> Outcome { await waitCounting().outcome }

    /// `wait`, with the sum of the rejection counters as of the decision (nil when no reading
    /// of them succeeded): the baseline of the next version, without another reading.
    ///
    /// Most readings take the versions alone; every third reads the rejection counters too,
    /// and so does the last. A version every changed subscription shows was rejected by none
    /// of them, and the others got no new file: the counters are then still `baseline`.
    func waitCounting() async -> (outcome: Outcome, rejections: Int?) {
        if changes.isEmpty { return (.accepted, nil) }
        let deadline = clock.now.advanced(by: timeout)
        var last: [String: String]?
        var wait = firstPoll
        var readings = 0
        // Cancelled (the agent stops): undecided, without readings that would fail anyway.
        while clock.now < deadline && !Task.isCancelled {
            if let interrupt, !interrupt.isRaised {
                await interrupt.sleep(for: wait, clock: clock)
            } else {
                try? await clock.sleep(for: interrupt == nil ? wait : firstPoll)
            }
            wait = min(wait * 2, longestPoll)
            readings += 1
            if readings.isMultiple(of: 3) {
                if let stats = try? await admin.stats(matching: Self.statsFilter) {
                    if let decided = decide(stats) { return (decided, Self.rejections(in: stats)) }
                    last = stats
                }
            } else if let versions = try? await admin.textReadouts(matching: Self.versionFilter),
                      changes.allSatisfy({ reached($0, in: versions) }) {
                return (.accepted, baseline)
            }
        }
        if let stats = try? await admin.stats(matching: Self.statsFilter) {
            if let decided = decide(stats) { return (decided, Self.rejections(in: stats)) }
            last = stats
        }
        // No rejection seen: Envoy took what it subscribes to (an RDS file no listener names
        // is never loaded, and that is not an error), unless a subscription it has shows
        // another version.
        guard let last else { return (.unconfirmed(changes), nil) }
        let missing = changes.filter { !reached($0, in: last) && isSubscribed($0, in: last) }
        return (missing.isEmpty ? .accepted : .unconfirmed(missing), Self.rejections(in: last))
    }

    /// The sum of the rejection counters (`update_rejected`, `update_failure`) in `stats`.
    static func rejections(in stats: [String: String]) -> Int {
        stats.filter { $0.key.hasSuffix("update_rejected") || $0.key.hasSuffix("update_failure") }
            .values.reduce(0) { $0 + (Int($1) ?? 0) }
    }

    /// Accepted or rejected from one reading of the stats; nil while undecided.
    func decide(_ stats: [String: String]) -> Outcome? {
        if Self.rejections(in: stats) > baseline { return .rejected }
        if changes.allSatisfy({ reached($0, in: stats) }) { return .accepted }
        return nil
    }

    /// Whether Envoy has a subscription for the change's file (one that must show the version).
    private func isSubscribed(_ change: ConfigFileWriter.Change, in stats: [String: String]) -> Bool {
        switch change.type {
        case .listeners, .clusters: return true
        case .routes: return stats.keys.contains { $0.hasSuffix(".rds.\(change.name).version_text") }
        case .secrets: return stats["sds.\(change.name).version_text"] != nil
        case .endpoints: return false
        }
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
