import DataplaneWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes a proxy's Envoy resources as filesystem xDS files, each replaced by an atomic rename
/// inside its watched directory, writing only what changed.
///
/// Order matters: files a resource refers to are written before the resource (RDS, EDS and SDS
/// before the listeners and clusters that name them), and files no longer referenced are
/// removed only `removalDelay` after LDS and CDS stopped naming them: a removed listener
/// drains for Envoy's drain time and keeps its RDS/SDS subscriptions until then, and such a
/// subscription re-reads its file whenever anything changes in its watched directory (a
/// missing file then counts as an `update_failure`, which would fail the next push).
///
/// Paths are those of the config stream, relative to `configDirectory` (`XDSFiles`); a path
/// the layout cannot produce is refused, so a stream can never make the agent write elsewhere.
///
/// Thread-safe: the agent's stream writes while its supervisor loop removes expired files.
final class ConfigFileWriter: Sendable {
    let configDirectory: String

    private struct State {
        /// The last content written per file path.
        var contents: [String: [UInt8]] = [:]
        /// The serialized resources last written per path: a file whose resources are
        /// unchanged is not rewritten, whatever the version.
        var writtenResources: [String: [UInt8]] = [:]
        /// Numbers temporary files (with the process id, unique in the directory).
        var temporaryCounter = 0
        /// Per-resource files no longer named, and since when.
        var unreferencedSince: [String: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())
    /// How long an unreferenced file stays: longer than Envoy's drain time (`EnvoyProcess`: 2 s
    /// drain, 3 s parent shutdown).
    static let removalDelay: Duration = .seconds(5)

    init(configDirectory: String) throws {
        self.configDirectory = configDirectory
        for type in XDSFiles.ResourceType.allCases {
            try FileSystem.createDirectories("\(configDirectory)/\(XDSFiles.directory(type))")
        }
    }

    /// Writes empty LDS/CDS files if none exist, so Envoy can start.
    func prepareEmpty() throws {
        try state.withLock { state in
            for type in [XDSFiles.ResourceType.listeners, .clusters] {
                let path = XDSFiles.path(type)
                if !FileSystem.exists(absolute(path)) {
                    try replace(path, with: JSONSerializer.data(EnvoyBootstrap.emptyDiscoveryResponse()), state: &state)
                }
            }
        }
    }

    /// What one write changed, for the acceptance check.
    struct Change: Equatable {
        var type: XDSFiles.ResourceType
        var name: String
        /// The file, relative to the config directory.
        var path = ""
    }

    /// What was written, for putting it back after a rejection.
    struct Snapshot: Sendable {
        fileprivate var contents: [String: [UInt8]] = [:]
        fileprivate var resources: [String: [UInt8]] = [:]
    }

    /// The files as they are now.
    var snapshot: Snapshot { state.withLock { Snapshot(contents: $0.contents, resources: $0.writtenResources) } }

    /// Writes the `files` whose resources changed, stamped with `version`, in the given order
    /// (referenced files first); `current` names every file of the version, and files not in
    /// it start their removal delay. Returns what changed.
    func write(_ files: [XDSFile], version: String, current: [String], now: ContinuousClock.Instant = .now) throws -> [Change] {
        for file in files where !XDSFiles.isValidPath(file.path) {
            throw DataplaneError("refusing to write \(file.path): not a path of the config layout")
        }
        return try state.withLock { state in
            var changes: [Change] = []
            for file in files where state.writtenResources[file.path] != file.resources {
                try replace(file.path, with: file.content(version: version), state: &state)
                state.writtenResources[file.path] = file.resources
                changes.append(Change(type: file.type, name: file.name, path: file.path))
            }
            let keep = Set(current)
            for path in keep { state.unreferencedSince[path] = nil }
            // Only after LDS/CDS no longer name them, and after the drain: see the type's doc.
            for path in state.contents.keys where !keep.contains(path) && state.unreferencedSince[path] == nil {
                state.unreferencedSince[path] = now
            }
            removeExpired(now: now, state: &state)
            return changes
        }
    }

    /// Removes the unreferenced files whose delay has passed (called by the write and
    /// periodically, so that no SDS file, private key inside, outlives its use by long).
    func removeExpired(now: ContinuousClock.Instant = .now) {
        state.withLock { removeExpired(now: now, state: &$0) }
    }

    private func removeExpired(now: ContinuousClock.Instant, state: inout State) {
        for (path, since) in state.unreferencedSince.sorted(by: { $0.key < $1.key }) where now - since >= Self.removalDelay {
            unlink(absolute(path))
            state.contents[path] = nil
            state.writtenResources[path] = nil
            state.unreferencedSince[path] = nil
        }
    }

    /// The files on disk now, relative paths (for tests and diagnostics).
    var writtenPaths: [String] { state.withLock { $0.contents.keys.sorted() } }

    private func absolute(_ path: String) -> String { "\(configDirectory)/\(path)" }

    /// Writes `paths` again with the content they have (a new atomic rename each), so that
    /// Envoy's watch on their directories fires again.
    func rewrite(_ paths: [String]) throws {
        try state.withLock { state in
            for path in paths.sorted() {
                guard let content = state.contents[path] else { continue }
                try replace(path, with: content, state: &state)
            }
        }
    }

    /// Puts back earlier files (after Envoy rejected a push), so a restarted Envoy loads the
    /// last good configuration.
    func restore(_ snapshot: Snapshot, now: ContinuousClock.Instant = .now) throws {
        try state.withLock { state in
            for path in snapshot.contents.keys.sorted() {
                guard let content = snapshot.contents[path], state.contents[path] != content else { continue }
                try replace(path, with: content, state: &state)
                state.writtenResources[path] = snapshot.resources[path]
            }
            // Files the good version lacks go the same delayed way as stale ones.
            for path in state.contents.keys where snapshot.contents[path] == nil && state.unreferencedSince[path] == nil {
                state.unreferencedSince[path] = now
            }
        }
    }

    /// Writes `content` to a temporary file beside `path` (relative), then renames it over
    /// `path`: Envoy never reads a half-written file.
    private func replace(_ relativePath: String, with content: [UInt8], state: inout State) throws {
        let path = absolute(relativePath)
        let directory = FileSystem.directory(of: path)
        state.temporaryCounter += 1
        let temporary = "\(directory)/.\(FileSystem.lastComponent(of: path)).\(getpid()).\(state.temporaryCounter).tmp"
        // Only the agent and Envoy (same user) may read the files: SDS files hold private keys.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DataplaneError("cannot create \(temporary): errno \(errno)") }
        var written = 0
        let failure: Int32? = content.withUnsafeBytes { bytes in
            while written < bytes.count {
                let result = Glibc.write(descriptor, bytes.baseAddress.map { $0 + written }, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        Glibc.close(descriptor)
        if let failure {
            unlink(temporary)
            throw DataplaneError("cannot write \(temporary): errno \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let failed = errno
            unlink(temporary)
            throw DataplaneError("cannot rename \(temporary) to \(path): errno \(failed)")
        }
        state.contents[relativePath] = content
    }
}

/// An operational error of the dataplane agent.
struct DataplaneError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
