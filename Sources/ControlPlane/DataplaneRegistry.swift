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
    }

    private struct State {
        var reports: [String: [String: ReplicaReport]] = [:]
        /// Open streams by proxy, then replica (a count: a reconnecting agent may overlap).
        var openStreams: [String: [String: Int]] = [:]
    }

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
            readyPorts: (body["readyPorts"]?.arrayValue ?? []).compactMap { $0.integerValue.map(Int.init) })
        // One lock for read-update-compare, so concurrent reports cannot hide a change. A new
        // accepted version alone changes nothing the translation reads; a sidecar's Dataplane
        // status shows it, so there it is a status-only change.
        let (changed, versionMoved, newRejection) = state.withLock { state -> (Bool, Bool, Bool) in
            let rejectedBefore = state.reports[key]?[replica]?.rejectedVersion
            let before = state.reports[key].map { Self.fold(key, $0, open: state.openStreams[key] ?? [:]) }
            state.reports[key, default: [:]][replica] = report
            let after = state.reports[key].map { Self.fold(key, $0, open: state.openStreams[key] ?? [:]) }
            return (before.map(Self.meaningful) != after.map(Self.meaningful), before != after,
                    report.rejectedVersion != nil && report.rejectedVersion != rejectedBefore)
        }
        if newRejection, let version = report.rejectedVersion {
            reportRejection(key, replica: replica, version: version, message: report.rejectionMessage)
        }
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
        if first { onChange() }
    }

    /// A config stream of `key`'s `replica` ended.
    func streamClosed(_ key: String, replica: String = "0") {
        let last = state.withLock { state -> Bool in
            let remaining = (state.openStreams[key]?[replica] ?? 1) - 1
            state.openStreams[key]?[replica] = remaining > 0 ? remaining : nil
            if state.openStreams[key]?.isEmpty == true { state.openStreams[key] = nil }
            return remaining <= 0
        }
        if last { onChange() }
    }

    /// True while at least one config stream for `key` is open.
    func isConnected(_ key: String) -> Bool { state.withLock { $0.openStreams[key] != nil } }

    /// A replica's agent exited without a last report (killed, crashed): it no longer runs.
    func replicaExited(_ key: String, replica: String) {
        let changed = state.withLock { state -> Bool in
            guard state.reports[key]?[replica]?.running == true else { return false }
            state.reports[key]?[replica]?.running = false
            return true
        }
        if changed { onChange() }
    }

    /// Whether `replica` of `key` serves now: it reported running and its stream is open.
    func isServing(_ key: String, replica: String) -> Bool {
        state.withLock { state in
            state.reports[key]?[replica]?.running == true && state.openStreams[key]?[replica] != nil
        }
    }

    /// Forgets one replica (its pod is gone): it no longer counts, not even as down.
    func forgetReplica(_ key: String, replica: String) {
        let removed = state.withLock { state -> Bool in
            guard state.reports[key]?.removeValue(forKey: replica) != nil else { return false }
            if state.reports[key]?.isEmpty == true { state.reports[key] = nil }
            return true
        }
        if removed { onChange() }
    }

    /// Forgets a proxy (its processes were stopped).
    func forget(_ key: String) {
        let removed = state.withLock { $0.reports.removeValue(forKey: key) != nil }
        if removed { onChange() }
    }

    /// One state per proxy (see `fold`).
    func states() -> [String: DataplaneState] {
        state.withLock { state in
            var states: [String: DataplaneState] = [:]
            for (key, replicas) in state.reports { states[key] = Self.fold(key, replicas, open: state.openStreams[key] ?? [:]) }
            return states
        }
    }

    /// A proxy's replicas as one state: running when a replica serves (reported running, with
    /// its stream open); the accepted version only when every serving replica accepted the
    /// same one; a rejection from any serving replica (the lowest-numbered, for a stable
    /// message) wins; a port is ready when every serving replica has bound it; the replicas
    /// that reported but do not serve are `downReplicas`.
    private static func fold(_ key: String, _ replicas: [String: ReplicaReport], open: [String: Int]) -> DataplaneState {
        let ordered = replicas.sorted { $0.key < $1.key }
        let serving = ordered.filter { $0.value.running && open[$0.key] != nil }
        let running = serving.map(\.value)
        let down = ordered.filter { !($0.value.running && open[$0.key] != nil) }.map(\.key)
        let accepted = Set(running.map(\.acceptedVersion))
        let rejected = running.first { $0.rejectedVersion != nil }
        var ports: Set<Int>? = nil
        for replica in running {
            let bound = Set(replica.readyPorts)
            ports = ports.map { $0.intersection(bound) } ?? bound
        }
        return DataplaneState(
            gateway: key, running: !running.isEmpty,
            acceptedVersion: accepted.count == 1 ? accepted.first ?? nil : nil,
            rejectedVersion: rejected?.rejectedVersion, rejectionMessage: rejected?.rejectionMessage,
            readyPorts: (ports ?? []).sorted(), downReplicas: down)
    }
}

/// A malformed request from a dataplane agent.
struct DataplaneProtocolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
