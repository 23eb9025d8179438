import Hummingbird
import NIOCore
import ResourceStore
import Synchronization

/// Sends a watch's items to its response as JSON lines, as many lines per write as have come
/// since the previous write.
///
/// One write per line cost a hop to the connection's event loop, a flush and a system call for
/// every change and every watch: at 1,600 HTTPRoute creates/s with 20 watches, 64,000 writes/s,
/// a quarter of what the API could otherwise take. Here a reader task turns items into lines
/// as they come, and the writer takes all the lines waiting at each turn: one write per line
/// while changes are rare, one per burst when they are not. Order is kept (one reader, one
/// writer, one buffer).
enum WatchLines {
    /// Runs until the items end (the watch times out or the store closes it) or a write fails
    /// (the client went away); the reader stops with it, which ends the subscription.
    /// `appendLine` writes an item's line (or nothing, to leave it out).
    static func send(_ items: AsyncStream<WatchItem>, to writer: inout any ResponseBodyWriter,
                     appendLine: @escaping @Sendable (WatchItem, inout ByteBuffer) -> Void) async throws {
        let waiting = WaitingLines()
        let (turns, turn) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in items {
                    waiting.lines.withLock { appendLine(item, &$0) }
                    turn.yield()
                }
                turn.finish()
            }
            defer { group.cancelAll() }
            for await _ in turns {
                let lines = waiting.lines.withLock { buffer -> ByteBuffer in
                    defer { buffer = ByteBuffer() }
                    return buffer
                }
                if lines.readableBytes > 0 { try await writer.write(lines) }
            }
        }
    }

    /// Sends a `WatchRequest`'s items: its lines, without the bookmarks it did not ask for.
    static func send(_ items: AsyncStream<WatchItem>, of watch: WatchRequest, to writer: inout any ResponseBodyWriter) async throws {
        try await send(items, to: &writer) { item, buffer in
            if case .bookmark = item, !watch.bookmarks && !watch.initialEventsEndBookmark { return }
            watch.appendLine(for: item, to: &buffer)
        }
    }
}

/// The lines a watch's reader has made and its writer not yet sent.
private final class WaitingLines: Sendable {
    let lines = Mutex(ByteBuffer())
}
