import Foundation
import GatewayModel
import Synchronization

/// What the dataplane agents have reported, by proxy (a gateway's key `<ns>/<name>`, folding
/// its replicas, or a sidecar's `sidecar/<ns>/<name>`), and which proxies have a config stream
/// open right now (a sidecar is `Online` while it has one).
final class DataplaneRegistry: Sendable {
    private struct ReplicaReport: Sendable {
        var running: Bool
        var acceptedVersion: String?
        var rejectedVersion: String?
        var rejectionMessage: String?
        var readyPorts: [Int]
    }

    private struct State {
        var reports: [String: [Int: ReplicaReport]] = [:]
        var openStreams: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let onChange: @Sendable () -> Void

    init(onChange: @escaping @Sendable () -> Void) {
        self.onChange = onChange
    }

    /// The proxy key a report or stream request names: `gateway` (with `replica`) or `sidecar`.
    static func proxyKey(gateway: String?, sidecar: String?) -> String? {
        if let gateway, !gateway.isEmpty { return gateway }
        if let sidecar, !sidecar.isEmpty {
            let parts = sidecar.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
            return "sidecar/\(sidecar)"
        }
        return nil
    }

    /// Records one agent's report (the body of `POST /gatehouse/v1/dataplanes/status`).
    func record(_ body: JSONValue) throws(DataplaneProtocolError) {
        guard let key = Self.proxyKey(gateway: body["gateway"]?.stringValue, sidecar: body["sidecar"]?.stringValue) else {
            throw DataplaneProtocolError("a status report needs gateway (namespace/name) and replica, or sidecar (namespace/name)")
        }
        let replica = body["replica"]?.integerValue ?? 0
        let report = ReplicaReport(
            running: body["running"]?.boolValue ?? false, acceptedVersion: body["acceptedVersion"]?.stringValue,
            rejectedVersion: body["rejectedVersion"]?.stringValue, rejectionMessage: body["rejectionMessage"]?.stringValue,
            readyPorts: (body["readyPorts"]?.arrayValue ?? []).compactMap { $0.integerValue.map(Int.init) })
        // One lock for read-update-compare, so concurrent reports cannot hide a change. A new
        // accepted version alone changes nothing a gateway's status shows; a sidecar's status
        // shows its version, so there every change counts.
        let changed = state.withLock { state -> Bool in
            let before = state.reports[key].map { Self.meaningful(Self.fold(key, $0), key: key) }
            state.reports[key, default: [:]][Int(replica)] = report
            return before != state.reports[key].map { Self.meaningful(Self.fold(key, $0), key: key) }
        }
        if changed { onChange() }
    }

    /// The part of a state that status depends on.
    private static func meaningful(_ state: DataplaneState, key: String) -> DataplaneState {
        guard !key.hasPrefix("sidecar/") else { return state }
        var projected = state
        projected.acceptedVersion = state.acceptedVersion == nil ? nil : "accepted"
        return projected
    }

    /// A config stream for `key` opened.
    func streamOpened(_ key: String) {
        let first = state.withLock { state -> Bool in
            state.openStreams[key, default: 0] += 1
            return state.openStreams[key] == 1
        }
        if first { onChange() }
    }

    /// A config stream for `key` ended.
    func streamClosed(_ key: String) {
        let last = state.withLock { state -> Bool in
            let remaining = (state.openStreams[key] ?? 1) - 1
            state.openStreams[key] = remaining > 0 ? remaining : nil
            return remaining <= 0
        }
        if last { onChange() }
    }

    /// True while at least one config stream for `key` is open.
    func isConnected(_ key: String) -> Bool { state.withLock { $0.openStreams[key] != nil } }

    /// Forgets a proxy (its processes were stopped).
    func forget(_ key: String) {
        let removed = state.withLock { $0.reports.removeValue(forKey: key) != nil }
        if removed { onChange() }
    }

    /// One state per proxy (see `fold`).
    func states() -> [String: DataplaneState] {
        state.withLock { state in
            var states: [String: DataplaneState] = [:]
            for (key, replicas) in state.reports { states[key] = Self.fold(key, replicas) }
            return states
        }
    }

    /// A proxy's replicas as one state: running when a replica runs; the accepted version
    /// only when every running replica accepted the same one; a rejection from any replica
    /// (the lowest-numbered, for a stable message) wins; a port is ready when every running
    /// replica has bound it.
    private static func fold(_ key: String, _ replicas: [Int: ReplicaReport]) -> DataplaneState {
        let running = replicas.sorted { $0.key < $1.key }.map(\.value).filter(\.running)
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
            readyPorts: (ports ?? []).sorted())
    }
}

/// A malformed request from a dataplane agent.
struct DataplaneProtocolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
