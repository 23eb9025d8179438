import AsyncHTTPClient
import GatewayModel
import NIOCore

extension KubernetesClient {
    /// Opens one watch (`?watch=1&allowWatchBookmarks=true&resourceVersion=...`) and delivers
    /// its events as they arrive, decoded incrementally. The stream ends when the server ends
    /// the watch (after `timeoutSeconds`) and fails with a `KubernetesError`: the answer's
    /// `Status` when the watch could not start (410 when `resourceVersion` is too old), or
    /// `InvalidResponse`/`Unreachable` when the stream broke. An ERROR event is delivered as an
    /// event (its object is the `Status`); the caller decides (see `Reflector`).
    ///
    /// `resourceVersion` nil (or "") starts with an ADDED per existing object.
    public func watch(_ kind: ResourceKind, namespace: String?, options: ListOptions = ListOptions(),
                      resourceVersion: String?, timeoutSeconds: Int = 300) -> AsyncThrowingStream<WatchEvent, any Error> {
        var query: [(String, String)] = [("watch", "1"), ("allowWatchBookmarks", "true")]
        if let resourceVersion, !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        query.append(("timeoutSeconds", String(timeoutSeconds)))
        query += options.query
        let request = Request(method: .GET, path: path(kind, namespace: namespace), query: query)
        // The server ends the watch after timeoutSeconds; a silent connection is given up on
        // shortly after that.
        let deadline = Duration.seconds(timeoutSeconds) + .seconds(30)
        let (stream, continuation) = AsyncThrowingStream<WatchEvent, any Error>.makeStream()
        let task = Task { [self] in
            do {
                try await streamEvents(request, deadline: deadline, into: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func streamEvents(_ request: Request, deadline: Duration,
                              into continuation: AsyncThrowingStream<WatchEvent, any Error>.Continuation) async throws(KubernetesError) {
        let response = try await start(request, deadline: deadline)
        let code = Int(response.status.code)
        guard (200..<300).contains(code) else {
            let bytes = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
            throw Self.failure(code: code, body: try? JSONParser.parse(bytes.readableBytesView), text: String(buffer: bytes))
        }
        var framer = JSONDocumentFramer()
        do {
            for try await chunk in response.body {
                for document in try framer.append(chunk.readableBytesView) {
                    let parsed: JSONValue
                    do {
                        parsed = try JSONParser.parse(document)
                    } catch {
                        throw KubernetesError(code: nil, reason: "InvalidResponse", message: "watch event is not valid JSON: \(error)")
                    }
                    continuation.yield(try WatchEvent(decoding: parsed))
                }
            }
        } catch let error as KubernetesError {
            throw error
        } catch {
            throw Self.transportError(error, request: request, server: configuration.server)
        }
        if framer.hasPartialDocument {
            throw KubernetesError(code: nil, reason: "InvalidResponse", message: "the watch stream ended in the middle of an event")
        }
    }
}
