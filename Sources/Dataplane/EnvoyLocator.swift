/// Finds the Envoy binary: `--envoy`, `$GATEHOUSE_ENVOY`, the project's `.venv` (walking up
/// from the running binary, so a build tree finds the venv the set-up step made), or `PATH`.
public enum EnvoyLocator {
    /// The path, or an error saying where it looked.
    public static func find(explicit: String?) throws -> String {
        var tried: [String] = []
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let environment = FileSystem.environment("GATEHOUSE_ENVOY") { candidates.append(environment) }
        var directory = FileSystem.directory(of: FileSystem.resolved("/proc/self/exe") ?? "/")
        for _ in 0..<6 {
            candidates.append((directory == "/" ? "" : directory) + "/.venv/bin/envoy")
            directory = FileSystem.directory(of: directory)
        }
        candidates.append(FileSystem.currentDirectory + "/.venv/bin/envoy")
        for entry in (FileSystem.environment("PATH") ?? "").split(separator: ":") {
            candidates.append("\(entry)/envoy")
        }
        for candidate in candidates {
            tried.append(candidate)
            if FileSystem.isExecutableFile(candidate) { return candidate }
        }
        throw DataplaneError("no Envoy binary found (run scripts/setup.sh, or pass --envoy / set GATEHOUSE_ENVOY); looked at: \(tried.prefix(4).joined(separator: ", ")) and PATH")
    }
}
