import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files only this user may read: created `0600` (never wider, whatever the umask), written
/// whole to a temporary name and renamed, so a reader sees the old file or the new one;
/// `durable` ones are synced to disk before the rename (the signing key must survive a crash).
public enum PrivateFile {
    /// Why a file could not be written.
    public struct WriteError: Error, CustomStringConvertible {
        /// What failed, naming the file.
        public var description: String
    }

    /// Writes `bytes` to `path` (0600, atomically; synced first when `durable`).
    public static func write(_ bytes: [UInt8], to path: String, durable: Bool) throws {
        let temporary = "\(path).tmp-\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw WriteError(description: "cannot create \(temporary) (errno \(errno))") }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else {
                close(descriptor)
                unlink(temporary)
                throw WriteError(description: "cannot write \(temporary) (errno \(errno))")
            }
            written += result
        }
        if durable { fsync(descriptor) }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw WriteError(description: "cannot rename \(temporary) to \(path) (errno \(errno))")
        }
    }
}
