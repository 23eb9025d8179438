import Foundation
import Harness

/// CPU seconds spent by each part of the fan-out measurement (g): where a change's time goes
/// when fifty sidecars and their Envoys share the machine's cores.
struct MeshCPU {
    var controlPlane = 0.0
    /// The `gatehouse sidecar` processes (and their Envoy keepers).
    var agents = 0.0
    var envoys = 0.0
    /// This process: the polling of every sidecar until it answers.
    var benchmark = 0.0

    /// What each part has spent so far.
    static func spent(server: GatehouseProcess, sidecars: [SidecarProcess]) -> MeshCPU {
        var spent = MeshCPU()
        spent.controlPlane = ProcessCPU.seconds(server.process.pid) ?? .nan
        spent.benchmark = ProcessCPU.seconds(getpid()) ?? .nan
        for sidecar in sidecars {
            spent.agents += ProcessCPU.seconds(sidecar.process.pid) ?? .nan
            for pid in descendants(of: sidecar.process.pid) {
                let seconds = ProcessCPU.seconds(pid) ?? 0
                if isEnvoy(pid) { spent.envoys += seconds } else { spent.agents += seconds }
            }
        }
        return spent
    }

    /// Per change, in milliseconds: `(after - before) / changes`.
    static func perChange(before: MeshCPU, after: MeshCPU, changes: Int) -> MeshCPU {
        let scale = 1000 / Double(max(changes, 1))
        return MeshCPU(controlPlane: (after.controlPlane - before.controlPlane) * scale, agents: (after.agents - before.agents) * scale,
                       envoys: (after.envoys - before.envoys) * scale, benchmark: (after.benchmark - before.benchmark) * scale)
    }

}
