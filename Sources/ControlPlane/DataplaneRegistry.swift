import EnvoyTranslator
import Foundation
import GatewayModel
import Synchronization

/// What the dataplane agents have reported, by proxy (a gateway's key `<ns>/<name>`, folding
/// its replicas, or a sidecar's `sidecar/<ns>/<name>`), and which replicas have a config stream
/// open right now. A replica serves only while both hold: it reported running, and its stream
/// is open (an agent killed without a word is noticed by its stream's heartbeat within a
/// second); a sidecar is `Online` while its stream is open.
final class DataplaneRegistry: Sendable {
    private struct ReplicaReport: Sendable {
        var running: Bool
        var acceptedVersion: String?
        var rejectedVersion: String?
        var rejectionMessage: String?
        var readyPorts: [Int]
        /// Where the agent serves its metrics (`host:port`), if it said.
        var metricsAddress: String?
    }

    private struct State {
        var reports: [String: [String: ReplicaReport]] = [:]
        /// When each proxy's versions were pushed (by version; the first push of a version
        /// counts), for the push-to-accepted latency. Trimmed to the newest few per proxy.
        var pushedAt: [String: [String: ContinuousClock.Instant]] = [:]
        /// Open streams by proxy, then replica (a count: a reconnecting agent may overlap).
        var openStreams: [String: [String: Int]] = [:]
        /// Replicas presumed serving, by proxy then replica (`presumeServing`).
        var presumed: [String: [String: Presumption]] = [:]
    }

    /// A replica that served when this control plane started, taken as serving until its
    /// agent reports or `until` passes.
    private struct Presumption: Sendable {
        var until: ContinuousClock.Instant
        var readyPorts: [Int]
    }

    /// The accepted version a proxy shows while all its serving replicas are presumed: only
    /// that one was accepted is known, not which.
    static let presumedVersion = "presumed-from-a-previous-run"


    private let state = Mutex(State())
    /// Told about configurations Envoy rejected (as Kubernetes Events), when set.
    private let events: EventRecorder?
    private let onChange: @Sendable () -> Void
    private let onStatusChange: @Sendable () -> Void

    /// `onChange` runs when what the translation reads changed (a replica started or stopped
    /// serving, a rejection, ready ports); `onStatusChange` when only a sidecar's reported
    /// version moved, which its Dataplane status shows but no translation reads (with 50
    /// sidecars, 50 acknowledgements per change must not each cost a pipeline pass).
    init(onChange: @escaping @Sendable () -> Void, onStatusChange: (@Sendable () -> Void)? = nil, events: EventRecorder? = nil) {
        self.events = events
        self.onChange = onChange
        self.onStatusChange = onStatusChange ?? onChange
    }

    /// The proxy key a report or stream request names: `gateway` (with `replica`) or `sidecar`.
    static func proxyKey(gateway: String?, sidecar: String?) -> String? {
        if let gateway, !gateway.isEmpty { return gateway }
        if let sidecar, !sidecar.isEmpty {
            let parts = sidecar.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
            return ProxyInputs.sidecarKey(namespace: String(parts[0]), name: String(parts[1]))
        }
        return nil
    }

    /// Records one agent's report (the body of `POST /gatehouse/v1/dataplanes/status`).
    func record(_ body: JSONValue) throws(DataplaneProtocolError) {
        guard let key = Self.proxyKey(gateway: body["gateway"]?.stringValue, sidecar: body["sidecar"]?.stringValue) else {
            throw DataplaneProtocolError("a status report needs gateway (namespace/name) and replica, or sidecar (namespace/name)")
        }
        // The replica names itself: its pod name (a number from older agents).
        let replica = body["replica"]?.stringValue ?? body["replica"]?.integerValue.map { String($0) } ?? "0"
        let report = ReplicaReport(
            running: body["running"]?.boolValue ?? false, acceptedVersion: body["acceptedVersion"]?.stringValue,
            rejectedVersion: body["rejectedVersion"]?.stringValue, rejectionMessage: body["rejectionMessage"]?.stringValue,
            readyPorts: (body["readyPorts"]?.arrayValue ?? []).compactMap { $0.integerValue.map(Int.init) },
            metricsAddress: body["metricsAddress"]?.stringValue)
        let now = ContinuousClock.now
        // One lock for read-update-compare, so concurrent reports cannot hide a change. A new
        // accepted version alone changes nothing the translation reads; a sidecar's Dataplane
        // status shows it, so there it is a status-only change.
        let (changed, versionMoved, acceptedAfter, newlyRejected) = state.withLock { state -> (Bool, Bool, Duration?, Bool) in
            let before = Self.fold(key, state)
            let previous = state.reports[key]?[replica]
            var acceptedAfter: Duration?
            if let accepted = report.acceptedVersion, accepted != previous?.acceptedVersion,
               let pushed = state.pushedAt[key]?[accepted] {
                acceptedAfter = now - pushed
            }
            let newlyRejected = report.rejectedVersion != nil && report.rejectedVersion != previous?.rejectedVersion
            state.reports[key, default: [:]][replica] = report
            // The agent speaks for itself now.
            Self.removePresumption(key, replica: replica, in: &state)
            let after = Self.fold(key, state)
            return (before.map(Self.meaningful) != after.map(Self.meaningful), before != after, acceptedAfter, newlyRejected)
        }
        if newlyRejected, let version = report.rejectedVersion {
            reportRejection(key, replica: replica, version: version, message: report.rejectionMessage)
        }
        if let acceptedAfter { ControlPlaneMetrics.accepted(proxy: key, after: acceptedAfter) }
        if newlyRejected { ControlPlaneMetrics.rejected(proxy: key) }
        if changed {
            onChange()
        } else if versionMoved && key.hasPrefix("sidecar/") {
            onStatusChange()
        }
    }

    /// A `ConfigRejected` event on the Gateway (or the sidecar's Dataplane) of `key`.
    private func reportRejection(_ key: String, replica: String, version: String, message: String?) {
        guard let events else { return }
        let sidecar = key.hasPrefix("sidecar/")
        let parts = (sidecar ? String(key.dropFirst("sidecar/".count)) : key).split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        let who = sidecar ? "the sidecar's Envoy" : "pod \(replica)'s Envoy"
        events.record(ControllerEvent(kind: sidecar ? ResourceKinds.dataplane : ResourceKinds.gateway, namespace: parts[0], name: parts[1],
                                      severity: .warning, reason: "ConfigRejected",
                                      message: "\(who) rejected configuration version \(version); the last good one keeps serving: \(message ?? "no message")"))
    }

    /// The part of a state that the translation reads.
    private static func meaningful(_ state: DataplaneState) -> DataplaneState {
        var projected = state
        projected.acceptedVersion = state.acceptedVersion == nil ? nil : "accepted"
        return projected
    }

    /// A config stream of `key`'s `replica` opened.
    func streamOpened(_ key: String, replica: String = "0") {
        let first = state.withLock { state -> Bool in
            state.openStreams[key, default: [:]][replica, default: 0] += 1
            return state.openStreams[key]?[replica] == 1
        }
        if first {
            publishConnectedCount()
            onChange()
        }
    }

    /// A version was pushed to one of `key`'s agents now (the first push of each version is
    /// kept: replicas receive it at about the same time).
    func pushed(_ key: String, version: String, at instant: ContinuousClock.Instant = .now) {
        state.withLock { state in
            var versions = state.pushedAt[key] ?? [:]
            if versions[version] == nil { versions[version] = instant }
            // Only recent versions can still be acknowledged.
            if versions.count > 16, let oldest = versions.min(by: { $0.value < $1.value })?.key { versions[oldest] = nil }
            state.pushedAt[key] = versions
        }
    }

    /// Sets the connected-dataplanes gauges from the open streams.
    private func publishConnectedCount() {
        let (gateways, sidecars) = state.withLock { state -> (Int, Int) in
            var gateways = 0, sidecars = 0
            for (key, replicas) in state.openStreams {
                if key.hasPrefix("sidecar/") { sidecars += replicas.count } else { gateways += replicas.count }
            }
            return (gateways, sidecars)
        }
        ControlPlaneMetrics.connected(gateways: gateways, sidecars: sidecars)
    }

    /// A config stream of `key`'s `replica` ended.
    func streamClosed(_ key: String, replica: String = "0") {
        let last = state.withLock { state -> Bool in
            let remaining = (state.openStreams[key]?[replica] ?? 1) - 1
            state.openStreams[key]?[replica] = remaining > 0 ? remaining : nil
            if state.openStreams[key]?.isEmpty == true {
                state.openStreams[key] = nil
                // No stream, no pushes to time (a reconnecting agent is pushed its version anew).
                state.pushedAt[key] = nil
            }
            return remaining <= 0
        }
        if last {
            publishConnectedCount()
            onChange()
        }
    }

    /// True while at least one config stream for `key` is open.
    func isConnected(_ key: String) -> Bool { state.withLock { $0.openStreams[key] != nil } }

    /// A replica's agent exited without a last report (killed, crashed): it no longer runs.
    func replicaExited(_ key: String, replica: String) {
        let changed = state.withLock { state -> Bool in
            let presumed = Self.removePresumption(key, replica: replica, in: &state)
            guard state.reports[key]?[replica]?.running == true else { return presumed }
            state.reports[key]?[replica]?.running = false
            return true
        }
        if changed { onChange() }
    }

    /// Whether `replica` of `key` serves now: it reported running and its stream is open, or it
    /// is presumed serving.
    func isServing(_ key: String, replica: String) -> Bool {
        state.withLock { state in
            (state.reports[key]?[replica]?.running == true && state.openStreams[key]?[replica] != nil)
                || state.presumed[key]?[replica] != nil
        }
    }

    /// Takes `replica` of `key` as serving, with `readyPorts` bound, until its agent reports
    /// (or its container is seen stopped, or its pod goes) and at most `grace`: a gateway pod
    /// that was running and ready when this control plane started, adopted from an earlier
    /// run. Until its agent reconnects and reports (about two seconds), nothing is known of it
    /// here; without this, its Gateway's `Programmed` and its pod's readiness would flip to
    /// False and back while it serves all along.
    func presumeServing(_ key: String, replica: String, readyPorts: [Int], grace: Duration) {
        let until = ContinuousClock.now + grace
        let changed = state.withLock { state -> Bool in
            guard state.reports[key]?[replica] == nil else { return false }
            state.presumed[key, default: [:]][replica] = Presumption(until: until, readyPorts: readyPorts)
            return true
        }
        guard changed else { return }
        onChange()
        Task {
            try? await Task.sleep(until: until, clock: .continuous)
            self.endPresumptions()
        }
    }

    /// Drops the presumptions whose grace has passed.
    private func endPresumptions(now: ContinuousClock.Instant = .now) {
        let changed = state.withLock { state -> Bool in
            var changed = false
            for (key, replicas) in state.presumed {
                for (replica, presumption) in replicas where presumption.until <= now {
                    changed = Self.removePresumption(key, replica: replica, in: &state) || changed
                }
            }
            return changed
        }
        if changed { onChange() }
    }

    /// Removes one presumption; true when there was one.
    @discardableResult
    private static func removePresumption(_ key: String, replica: String, in state: inout State) -> Bool {
        guard state.presumed[key]?.removeValue(forKey: replica) != nil else { return false }
        if state.presumed[key]?.isEmpty == true { state.presumed[key] = nil }
        return true
    }

    /// Forgets one replica (its pod is gone): it no longer counts, not even as down.
    func forgetReplica(_ key: String, replica: String) {
        let removed = state.withLock { state -> Bool in
            let presumed = Self.removePresumption(key, replica: replica, in: &state)
            guard state.reports[key]?.removeValue(forKey: replica) != nil else { return presumed }
            if state.reports[key]?.isEmpty == true { state.reports[key] = nil }
            return true
        }
        if removed { onChange() }
    }

    /// What each replica of each proxy reported, for inspection (GUI, `gatehouse inspect`,
    /// the scrape-target list), sorted by proxy then replica.
    func replicaReports() -> [ReplicaView] {
        state.withLock { state in
            var views: [ReplicaView] = []
            for key in Set(state.reports.keys).union(state.openStreams.keys).sorted() {
                let reports = state.reports[key] ?? [:]
                let open = state.openStreams[key] ?? [:]
                for replica in Set(reports.keys).union(open.keys).sorted() {
                    let report = reports[replica]
                    views.append(ReplicaView(
                        proxy: key, replica: replica, connected: open[replica] != nil, running: report?.running ?? false,
                        acceptedVersion: report?.acceptedVersion, rejectedVersion: report?.rejectedVersion,
                        rejectionMessage: report?.rejectionMessage, readyPorts: report?.readyPorts ?? [],
                        metricsAddress: report?.metricsAddress))
                }
            }
            return views
        }
    }

    /// Forgets a proxy (its processes were stopped).
    func forget(_ key: String) {
        state.withLock { _ = $0.pushedAt.removeValue(forKey: key) }
        let removed = state.withLock { state -> Bool in
            let presumed = state.presumed.removeValue(forKey: key) != nil
            return state.reports.removeValue(forKey: key) != nil || presumed
        }
        if removed { onChange() }
    }

    /// One state per proxy (see `fold`).
    func states() -> [String: DataplaneState] {
        state.withLock { state in
            var states: [String: DataplaneState] = [:]
            for key in Set(state.reports.keys).union(state.presumed.keys) { states[key] = Self.fold(key, state) }
            return states
        }
    }

    /// One proxy's state from everything known of it (nil when nothing is).
    private static func fold(_ key: String, _ state: State) -> DataplaneState? {
        guard state.reports[key] != nil || state.presumed[key] != nil else { return nil }
        return fold(key, state.reports[key] ?? [:], open: state.openStreams[key] ?? [:], presumed: state.presumed[key] ?? [:])
    }

    /// A proxy's replicas as one state: running when a replica serves (reported running, with
    /// its stream open, or presumed serving); the accepted version only when every serving
    /// replica that reported accepted the same one (`presumedVersion` when none reported yet:
    /// the presumed ones are left out, their version is unknown); a rejection from any serving
    /// replica (the lowest-numbered, for a stable message) wins; a port is ready when every
    /// serving replica has bound it; the replicas that reported but do not serve are
    /// `downReplicas`.
    private static func fold(_ key: String, _ replicas: [String: ReplicaReport], open: [String: Int],
                             presumed: [String: Presumption]) -> DataplaneState {
        let ordered = replicas.sorted { $0.key < $1.key }
        let serving = ordered.filter { $0.value.running && open[$0.key] != nil }
        let running = serving.map(\.value)
        let down = ordered.filter { !($0.value.running && open[$0.key] != nil) && presumed[$0.key] == nil }.map(\.key)
        let accepted = running.isEmpty && !presumed.isEmpty ? [presumedVersion] : Set(running.map(\.acceptedVersion))
        let rejected = running.first { $0.rejectedVersion != nil }
        var ports: Set<Int>? = nil
        for bound in running.map(\.readyPorts) + presumed.sorted(by: { $0.key < $1.key }).map(\.value.readyPorts) {
            ports = ports.map { $0.intersection(bound) } ?? Set(bound)
        }
        return DataplaneState(
            gateway: key, running: !running.isEmpty || !presumed.isEmpty,
            acceptedVersion: accepted.count == 1 ? accepted.first ?? nil : nil,
            rejectedVersion: rejected?.rejectedVersion, rejectionMessage: rejected?.rejectionMessage,
            readyPorts: (ports ?? []).sorted(), downReplicas: down)
    }
}

/// One replica of one proxy as its agent last reported it.
public struct ReplicaView: Sendable, Equatable {
    /// The proxy key: `<ns>/<gateway>` or `sidecar/<ns>/<name>`.
    public var proxy: String
    /// The replica's name: its pod (`0` for sidecars).
    public var replica: String
    /// Whether its config stream is open now.
    public var connected: Bool
    /// Whether it reported its Envoy running.
    public var running: Bool
    /// The version its Envoy last accepted.
    public var acceptedVersion: String?
    /// The version its Envoy rejected last, while the latest push stays rejected.
    public var rejectedVersion: String?
    /// Envoy's message for that rejection.
    public var rejectionMessage: String?
    /// Listener ports its Envoy has bound.
    public var readyPorts: [Int]
    /// Where its agent serves metrics and the config dump (`host:port`).
    public var metricsAddress: String?
}

/// A malformed request from a dataplane agent.
struct DataplaneProtocolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
