import Foundation

/// Finds the Envoy binary: `--envoy`, `$GATEHOUSE_ENVOY`, the project's `.venv` (walking up
/// from the running binary, so a build tree finds the venv the set-up step made), or `PATH`.
public enum EnvoyLocator {
    /// The path, or an error saying where it looked.
    public static func find(explicit: String?) throws -> String {
        var tried: [String] = []
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let environment = ProcessInfo.processInfo.environment["GATEHOUSE_ENVOY"] { candidates.append(environment) }
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent(".venv/bin/envoy").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.venv/bin/envoy")
        for entry in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(entry)/envoy")
        }
        for candidate in candidates {
            tried.append(candidate)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw DataplaneError("no Envoy binary found (run scripts/setup.sh, or pass --envoy / set GATEHOUSE_ENVOY); looked at: \(tried.prefix(4).joined(separator: ", ")) and PATH")
    }
}

extension DataplaneError: LocalizedError {
    var errorDescription: String? { description }
}
