import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The store's files on disk. They hold key material (TLS Secrets and their mesh copies), so
/// the data directory is 0700 and the database files (`store.sqlite` and SQLite's `-wal` and
/// `-shm`) are 0600: created that way, and tightened on every start for a directory made
/// earlier (by an older version, by hand, or with a loose umask).
enum StoreFiles {
    /// The database file's name in the data directory.
    static let databaseName = "store.sqlite"
    /// Owner only: read, write, search.
    static let directoryMode: mode_t = 0o700
    /// Owner only: read, write.
    static let fileMode: mode_t = 0o600

    /// The database file in `directory`.
    static func databasePath(in directory: URL) -> String {
        directory.appendingPathComponent(databaseName).path
    }

    /// Creates the directory and the database file with owner-only permissions before SQLite
    /// opens it (SQLite gives its `-wal` and `-shm` files the database file's permissions), and
    /// tightens whatever was there already.
    static func prepare(_ directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: Int(directoryMode)])
        let database = databasePath(in: directory)
        let descriptor = open(database, O_CREAT | O_RDWR | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            throw StoreError(.internalError, "cannot create \(database): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        try tighten(directory)
    }

    /// Owner-only permissions on the directory and on every database file present.
    static func tighten(_ directory: URL) throws {
        try restrict(directory.path, to: directoryMode)
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let path = databasePath(in: directory) + suffix
            if FileManager.default.fileExists(atPath: path) { try restrict(path, to: fileMode) }
        }
    }

    private static func restrict(_ path: String, to mode: mode_t) throws {
        guard chmod(path, mode) == 0 else {
            throw StoreError(.internalError, "cannot restrict the permissions of \(path): \(String(cString: strerror(errno)))")
        }
    }
}
