import NIOCore
import NIOHTTP1
import Synchronization

/// A connection's response parts, read by one request at a time.
///
/// `@unchecked Sendable`, proof: NIO marks its inbound iterator non-Sendable so that two tasks
/// never read one at once. Here exactly one task holds it at any time: the connection's own
/// task creates it and hands it over once (a continuation); afterwards a `PooledConnection`
/// is either inside `ConnectionPool`'s Mutex or lent to a single request, which took it out
/// under that Mutex and gives it back the same way, so each use is ordered after the one
/// before. What the iterator refers to is NIO's lock-protected, Sendable sequence storage.
struct ResponseParts: @unchecked Sendable {
    var iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator

    mutating func next() async throws -> HTTPClientResponsePart? { try await iterator.next() }
}

/// One open client connection, lent to one request at a time: the response parts as they
/// arrive, the writer for the request, and the channel (to close it).
struct PooledConnection: Sendable {
    /// The connection's response parts; one iterator for the connection's whole life, handed
    /// from request to request.
    var parts: ResponseParts
    /// Writes the request.
    let writer: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    /// The channel underneath.
    let channel: any Channel

    /// Closes the connection (its owning task then ends).
    func close() { channel.close(promise: nil) }

    /// Wraps an opened channel: a task holds it open (`executeThenClose`) until it is closed by
    /// `close()`, by the peer or by an error, and the connection is returned for requests.
    ///
    /// Why a task: NIO lends a channel's inbound and outbound sides only inside a scope, and a
    /// kept-alive connection outlives the request that opened it.
    static func adopt(_ channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>) async -> PooledConnection {
        await withCheckedContinuation { continuation in
            Task {
                try? await channel.executeThenClose { inbound, outbound in
                    continuation.resume(returning: PooledConnection(parts: ResponseParts(iterator: inbound.makeAsyncIterator()), writer: outbound,
                                                                    channel: channel.channel))
                    try await channel.channel.closeFuture.get()
                }
            }
        }
    }
}

/// The idle keep-alive connections of one `AgentHTTPClient` (and its copies): at most one per
/// target (`scheme://host:port`).
///
/// A request takes the target's idle connection if there is one and it is still open, and
/// gives it back when its response was read to the end and both sides keep the connection
/// alive. A request made while the connection is lent out opens another one; when both are
/// given back, the second is closed. So a client that asks one target one thing at a time (the
/// agent polling Envoy's admin API) uses a single connection.
final class ConnectionPool: Sendable {
    private let idle = Mutex<[String: PooledConnection]>([:])

    /// The target's idle connection, if it is still open (a closed one is dropped).
    func take(_ target: String) -> PooledConnection? {
        guard let connection = idle.withLock({ $0.removeValue(forKey: target) }) else { return nil }
        guard connection.channel.isActive else {
            connection.close()
            return nil
        }
        return connection
    }

    /// Keeps `connection` for the target's next request, unless an open one is kept already.
    func giveBack(_ connection: PooledConnection, target: String) {
        let surplus = idle.withLock { idle -> PooledConnection? in
            if let kept = idle[target], kept.channel.isActive { return connection }
            defer { idle[target] = connection }
            return idle[target]
        }
        surplus?.close()
    }

    deinit {
        // Each idle connection's task waits for its close.
        for connection in idle.withLock({ Array($0.values) }) { connection.close() }
    }
}
