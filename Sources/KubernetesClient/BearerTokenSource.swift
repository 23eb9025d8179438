import Foundation
import Synchronization

/// Where the bearer token of every request comes from: a fixed token (kubeconfig `token`), or
/// a file read again when it changes and at least every `refreshInterval` (kubeconfig
/// `tokenFile`, the in-cluster service-account token, which the kubelet rotates), as
/// client-go's cached file token source does.
public final class BearerTokenSource: Sendable {
    private enum Origin: Sendable {
        case fixed(String)
        case file(path: String, refreshInterval: Duration)
    }

    /// A token read from its file, with when and what was read.
    private struct Cached: Sendable {
        var token: String
        var readAt: ContinuousClock.Instant
        var modificationDate: Date?
        var size: Int?
    }

    private let origin: Origin
    private let cache = Mutex<Cached?>(nil)

    /// A fixed token.
    public init(token: String) {
        origin = .fixed(token)
    }

    /// A token file, re-read when its modification time or size changes and at least every
    /// `refreshInterval` (client-go: one minute).
    public init(file path: String, refreshInterval: Duration = .seconds(60)) {
        origin = .file(path: path, refreshInterval: refreshInterval)
    }

    /// The token file, if the token comes from one.
    public var filePath: String? {
        if case .file(let path, _) = origin { return path }
        return nil
    }

    /// The current token. A file that cannot be read keeps the last token read (the kubelet
    /// replaces it atomically; a read racing the swap must not fail the request); with no
    /// token read yet it is an error.
    ///
    /// The file is small and local (a `stat` per request, a read when it changed), the same
    /// cost client-go accepts on its request path.
    public func token() throws(KubernetesError) -> String {
        switch origin {
        case .fixed(let token):
            return token
        case .file(let path, let refreshInterval):
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let modificationDate = attributes?[.modificationDate] as? Date
            let size = (attributes?[.size] as? NSNumber)?.intValue
            let now = ContinuousClock.now
            let cached = cache.withLock { $0 }
            if let cached, cached.modificationDate == modificationDate, cached.size == size,
               now - cached.readAt < refreshInterval {
                return cached.token
            }
            guard let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8) else {
                if let cached { return cached.token }
                throw .configuration("cannot read the bearer token file \(path)")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            cache.withLock { $0 = Cached(token: token, readAt: now, modificationDate: modificationDate, size: size) }
            return token
        }
    }
}
