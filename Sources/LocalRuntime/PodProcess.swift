import Foundation
import Processes

#if canImport(Glibc)
import Glibc
#endif

/// A pod's container process: started by this runtime, or adopted after a restart of the
/// control plane (pods outlive it: the data plane keeps serving while it is down).
///
/// Each started process leaves `<pod>/container.pid` (`pid starttime`, the start time in clock
/// ticks since boot from /proc/<pid>/stat) so that the next run can tell it apart from an
/// unrelated process that got the same pid.
enum PodProcess: Sendable {
    /// Started by this runtime: its exit is awaited.
    case child(ChildProcess)
    /// Started by an earlier run: watched through /proc.
    case adopted(pid: Int32, startTime: UInt64)

    /// The process id (also its process group's).
    var pid: Int32 {
        switch self {
        case .child(let process): return process.pid
        case .adopted(let pid, _): return pid
        }
    }

    /// Whether it still runs.
    var isRunning: Bool {
        switch self {
        case .child(let process): return process.isRunning
        case .adopted(let pid, let startTime): return Self.startTime(of: pid) == startTime
        }
    }

    /// How it ended, once it has.
    var termination: String? {
        switch self {
        case .child(let process): return process.termination?.description
        case .adopted: return isRunning ? nil : "exited (adopted from an earlier run: status unknown)"
        }
    }

    /// Waits until it has exited.
    func waitForExit() async {
        switch self {
        case .child(let process):
            _ = await process.waitForExit()
        case .adopted:
            // Not this process's child: its exit can only be observed.
            while isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        }
    }

    /// SIGTERM; after `grace`, SIGKILL to its whole process group (what it started too).
    func stop(grace: Duration) async {
        switch self {
        case .child(let process):
            await process.stop(grace: grace)
        case .adopted(let pid, _):
            guard isRunning else { return }
            Glibc.kill(pid, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            // The group still has its leader or members here, so its id is not reused.
            if isRunning { Glibc.kill(-pid, SIGKILL) }
        }
    }

    /// Records the process in `<directory>/container.pid`.
    func record(in directory: String) {
        guard let startTime = Self.startTime(of: pid) else { return }
        try? Data("\(pid) \(startTime)\n".utf8).write(to: URL(fileURLWithPath: Self.recordPath(directory)))
    }

    /// The process an earlier run recorded in `directory`, if it still runs.
    static func adopt(from directory: String) -> PodProcess? {
        guard let text = try? String(contentsOfFile: recordPath(directory), encoding: .utf8) else { return nil }
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let pid = Int32(fields[0]), let startTime = UInt64(fields[1]), pid > 1,
              Self.startTime(of: pid) == startTime else { return nil }
        return .adopted(pid: pid, startTime: startTime)
    }

    static func recordPath(_ directory: String) -> String { directory + "/container.pid" }

    /// Field 22 of /proc/<pid>/stat (nil when there is no such live process).
    static func startTime(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        // After the command: state (field 3) ... starttime (field 22).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return UInt64(fields[19])
    }
}
