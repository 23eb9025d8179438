import Foundation
import GatewayModel
import Synchronization

/// What the dataplane agents have reported, by gateway and replica, folded into one
/// `DataplaneState` per gateway for the translator.
final class DataplaneRegistry: Sendable {
    private struct ReplicaReport: Sendable {
        var running: Bool
        var acceptedVersion: String?
        var rejectedVersion: String?
        var rejectionMessage: String?
        var readyPorts: [Int]
    }

    private let reports = Mutex<[String: [Int: ReplicaReport]]>([:])
    private let onChange: @Sendable () -> Void

    init(onChange: @escaping @Sendable () -> Void) {
        self.onChange = onChange
    }

    /// Records one agent's report (the body of `POST /gatehouse/v1/dataplanes/status`).
    func record(_ body: JSONValue) throws(DataplaneProtocolError) {
        guard let gateway = body["gateway"]?.stringValue, let replica = body["replica"]?.integerValue else {
            throw DataplaneProtocolError("a status report needs gateway and replica")
        }
        let report = ReplicaReport(
            running: body["running"]?.boolValue ?? false, acceptedVersion: body["acceptedVersion"]?.stringValue,
            rejectedVersion: body["rejectedVersion"]?.stringValue, rejectionMessage: body["rejectionMessage"]?.stringValue,
            readyPorts: (body["readyPorts"]?.arrayValue ?? []).compactMap { $0.integerValue.map(Int.init) })
        // One lock for read-update-compare, so concurrent reports cannot hide a change. A new
        // accepted version alone changes nothing the translator shows; only wake it when
        // running, acceptance, rejection or ready ports changed.
        let changed = reports.withLock { reports -> Bool in
            let before = reports[gateway].map { Self.meaningful(Self.fold(gateway, $0)) }
            reports[gateway, default: [:]][Int(replica)] = report
            return before != reports[gateway].map { Self.meaningful(Self.fold(gateway, $0)) }
        }
        if changed { onChange() }
    }

    /// The part of a state that status depends on.
    private static func meaningful(_ state: DataplaneState) -> DataplaneState {
        var projected = state
        projected.acceptedVersion = state.acceptedVersion == nil ? nil : "accepted"
        return projected
    }

    /// Forgets a gateway (its processes were stopped).
    func forget(_ gateway: String) {
        let removed = reports.withLock { $0.removeValue(forKey: gateway) != nil }
        if removed { onChange() }
    }

    /// One state per gateway (see `fold`).
    func states() -> [String: DataplaneState] {
        reports.withLock { reports in
            var states: [String: DataplaneState] = [:]
            for (gateway, replicas) in reports { states[gateway] = Self.fold(gateway, replicas) }
            return states
        }
    }

    /// A gateway's replicas as one state: running when a replica runs; the accepted version
    /// only when every running replica accepted the same one; a rejection from any replica
    /// (the lowest-numbered, for a stable message) wins; a port is ready when every running
    /// replica has bound it.
    private static func fold(_ gateway: String, _ replicas: [Int: ReplicaReport]) -> DataplaneState {
        let running = replicas.sorted { $0.key < $1.key }.map(\.value).filter(\.running)
        let accepted = Set(running.map(\.acceptedVersion))
        let rejected = running.first { $0.rejectedVersion != nil }
        var ports: Set<Int>? = nil
        for replica in running {
            let bound = Set(replica.readyPorts)
            ports = ports.map { $0.intersection(bound) } ?? bound
        }
        return DataplaneState(
            gateway: gateway, running: !running.isEmpty,
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
