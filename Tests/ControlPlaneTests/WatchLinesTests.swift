@testable import APIServer
import GatewayModel
import Hummingbird
import ResourceStore
import Synchronization
import Testing

/// A watch response sends the lines that wait at each turn in one write.
struct WatchLinesTests {
    /// Records each write; the first one waits until `open` is called.
    final class GatedWriter: ResponseBodyWriter, @unchecked Sendable {
        // @unchecked: only the sending task calls write and finish; `gate` is a Mutex.
        var writes: [ByteBuffer] = []
        private let gate = Mutex<(open: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

        func open() {
            let waiter = gate.withLock { state -> CheckedContinuation<Void, Never>? in
                state.open = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func write(_ buffer: ByteBuffer) async throws {
            writes.append(buffer)
            guard writes.count == 1 else { return }
            await withCheckedContinuation { continuation in
                let openAlready = gate.withLock { state -> Bool in
                    if !state.open { state.waiter = continuation }
                    return state.open
                }
                if openAlready { continuation.resume() }
            }
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    @Test func linesWaitingAtATurnGoInOneWriteInOrder() async throws {
        let (items, continuation) = AsyncStream.makeStream(of: WatchItem.self)
        let writer = GatedWriter()
        for version in 1...100 { continuation.yield(.bookmark(UInt64(version))) }
        continuation.finish()
        var body: any ResponseBodyWriter = writer
        try await WatchLines.send(items, to: &body) { item, buffer in
            guard case .bookmark(let version) = item else { return }
            // The first write is held until the reader has made every line.
            if version == 100 { writer.open() }
            if version % 10 != 0 { buffer.writeString("\(version)\n") }
        }
        let sent = writer.writes.map { String(buffer: $0) }.joined()
        #expect(sent == (1...100).filter { $0 % 10 != 0 }.map { "\($0)\n" }.joined(), "every line, in order, none of those left out")
        #expect(writer.writes.count <= 2, "the lines that waited while the first write was held went out together")
    }
}
