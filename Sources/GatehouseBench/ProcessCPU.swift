import Foundation

/// CPU time of processes from `/proc`: what a proxy spends per request, which a neighbour's
/// load on a shared machine slows down but does not inflate (calls/s drop with it).
enum ProcessCPU {
    /// User plus system CPU seconds of `pid` so far (`/proc/<pid>/stat` fields 14 and 15), nil
    /// when it cannot be read.
    static func seconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm) ": field 3 (state) is the first; utime and stime are 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The CPU seconds of several processes together.
    static func seconds(_ pids: [Int32]) -> Double? {
        let values = pids.compactMap(seconds)
        return values.count == pids.count && !pids.isEmpty ? values.reduce(0, +) : nil
    }

    /// PIDs of the Envoy processes whose working directory lies under `directory` (a gateway
    /// pod's Envoy runs in its config directory inside the control plane's data directory).
    static func envoys(under directory: URL) -> [Int32] {
        let root = directory.resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                  let executable = command.split(separator: "\0").first, executable.hasSuffix("envoy"),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
            else { return false }
            return cwd.hasPrefix(root)
        }.sorted()
    }
}
