/// A version whose files Envoy's subscriptions did not show within the acceptance timeout.
struct UnconfirmedVersion: Sendable {
    /// The version's name.
    var version: String
    /// The changes still not shown.
    var changes: [ConfigFileWriter.Change]
    /// The rejection counters' sum before it was written.
    var baseline: Int
    /// `State.applied` when it was written.
    var applied: Int
    /// When its message arrived (for the push-to-settled metric).
    var received: ContinuousClock.Instant
}

extension DataplaneAgent {
    /// Writes one version and finds out whether Envoy took it.
    ///
    /// Every desired file is compared with what is on disk, not only the last message's: after
    /// a rejection the disk holds the last good files, and a later version must still bring
    /// the good parts of the rejected one.
    ///
    /// When Envoy shows neither the version nor a rejection within the timeout, its files are
    /// written once more (a watch event may have been missed) and checked again; if it still
    /// does not show it, the version is not reported as accepted (`Programmed` waits) until
    /// Envoy shows it (`recheckUnconfirmed`), rather than taken as accepted with whatever
    /// listeners happened to be bound then.
    ///
    /// `interrupt`, raised when a newer version arrives, shortens the acceptance check's waits.
    func apply(_ desired: DesiredConfig, received: ContinuousClock.Instant = .now, interrupt: AcceptanceInterrupt? = nil) async {
        let version = desired.version
        let (admin, known, applied) = state.withLock { state in
            state.applied += 1
            // A newer version supersedes one still unconfirmed.
            state.unconfirmed = nil
            return (state.admin, state.rejectionBaseline, state.applied)
        }
        guard let admin else { return }
        let baseline: Int
        if let known { baseline = known } else { baseline = (try? await rejectionCount(admin)) ?? 0 }
        let changes: [ConfigFileWriter.Change]
        do {
            changes = try writer.write(desired.files, version: version, current: desired.paths)
        } catch {
            logger.error("cannot write config files", metadata: ["error": "\(error)"])
            return
        }
        let written = ContinuousClock.now
        var (outcome, rejections) = await AcceptanceCheck(admin: admin, version: version, changes: changes, baseline: baseline,
                                                          interrupt: interrupt, clock: ContinuousClock()).waitCounting()
        if case .unconfirmed(let missing) = outcome {
            logger.warning("envoy does not show the version after the timeout; writing its files again",
                           metadata: ["version": "\(version)", "files": "\(missing.map(\.path))"])
            try? writer.rewrite(missing.map(\.path))
            (outcome, rejections) = await AcceptanceCheck(admin: admin, version: version, changes: missing, baseline: baseline,
                                                         interrupt: interrupt, clock: ContinuousClock()).waitCounting()
        }
        let pending = UnconfirmedVersion(version: version, changes: changes, baseline: baseline, applied: applied, received: received)
        // Envoy binds ports only for listeners: without a listener change they are as reported.
        await settle(outcome, pending, admin: admin, readPorts: changes.contains { $0.type == .listeners })
        if outcome == .accepted {
            logger.debug("config accepted", metadata: [
                "version": "\(version)", "files": "\(changes.count)", "toWrite": "\(written - received)",
                "toAccepted": "\(ContinuousClock.now - received)"])
        }
        // The next push's baseline: the counters of the reading that accepted this version
        // (after a rejection the last good files were written again: read them afresh).
        let settled = outcome == .accepted ? rejections : nil
        state.withLock { $0.rejectionBaseline = settled }
    }

    /// Reads Envoy's stats once for the version still unconfirmed, and settles it when they
    /// decide (the supervisor loop calls this while Envoy runs).
    func recheckUnconfirmed() async {
        guard let (pending, admin) = state.withLock({ state in state.unconfirmed.flatMap { pending in state.admin.map { (pending, $0) } } }),
              let stats = try? await admin.stats(matching: AcceptanceCheck<ContinuousClock>.statsFilter),
              let outcome = AcceptanceCheck(admin: admin, version: pending.version, changes: pending.changes, baseline: pending.baseline,
                                            clock: ContinuousClock()).decide(stats) else { return }
        logger.info("envoy settled a version it had not shown in time", metadata: ["version": "\(pending.version)", "outcome": "\(outcome)"])
        await settle(outcome, pending, admin: admin)
        // The next push reads its baseline afresh.
        state.withLock { $0.rejectionBaseline = nil }
    }

    /// Records what happened to a version and reports it, unless a newer version was applied
    /// meanwhile.
    private func settle(_ outcome: AcceptanceCheck<ContinuousClock>.Outcome, _ pending: UnconfirmedVersion, admin: EnvoyAdmin,
                        readPorts: Bool = true) async {
        let version = pending.version
        switch outcome {
        case .accepted:
            let ports = readPorts ? ((try? await admin.boundPorts()) ?? []) : nil
            let current = state.withLock { state -> Bool in
                guard state.applied == pending.applied else { return false }
                // Read under the state lock: a newer version's files are not written before
                // `applied` moves.
                state.lastGood = writer.snapshot
                state.unconfirmed = nil
                state.report.acceptedVersion = version
                state.report.rejectedVersion = nil
                state.report.rejectionMessage = nil
                if let ports { state.report.readyPorts = ports }
                return true
            }
            guard current else { return }
            AgentMetrics.settled(accepted: true, after: ContinuousClock.now - pending.received)
        case .rejected:
            let (envoy, lastGood, current) = state.withLock { ($0.envoy, $0.lastGood, $0.applied == pending.applied) }
            guard current else { return }
            AgentMetrics.settled(accepted: false, after: ContinuousClock.now - pending.received)
            let message = envoy?.rejectionMessage() ?? "Envoy rejected the configuration"
            logger.warning("config rejected; keeping the last good one", metadata: ["version": "\(version)", "message": "\(message)"])
            try? writer.restore(lastGood)
            state.withLock { state in
                state.unconfirmed = nil
                state.report.rejectedVersion = version
                state.report.rejectionMessage = message
            }
        case .unconfirmed(let missing):
            logger.warning("envoy does not show the version: not reported as accepted until it does",
                           metadata: ["version": "\(version)", "files": "\(missing.map(\.path))"])
            state.withLock { state in
                guard state.applied == pending.applied else { return }
                var unconfirmed = pending
                unconfirmed.changes = missing
                state.unconfirmed = unconfirmed
            }
        }
        await sendReport()
    }

    func rejectionCount(_ admin: EnvoyAdmin) async throws -> Int {
        try await admin.stats(matching: "(update_rejected|update_failure)$").values.reduce(0) { $0 + (Int($1) ?? 0) }
    }
}
