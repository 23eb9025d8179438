@testable import Dataplane
import Synchronization
import Testing

/// Status reports never overlap, and the last one delivered carries the newest state: an older
/// report arriving after a newer one would leave the control plane believing the older state.
@Suite("Report sender")
struct ReportSenderTests {
    /// Stands for the control plane: records the reports it receives and whether two ever overlapped.
    final class Receiver: Sendable {
        struct Record {
            var received: [Int] = []
            var inFlight = 0
            var overlapped = false
        }
        let record = Mutex(Record())
        /// The agent's state that a report carries.
        let current = Atomic<Int>(0)

        /// Builds a report from `current`, takes a while to deliver it, and answers `taken`.
        func deliver(taking taken: Bool = true) async -> Bool {
            let report = current.load(ordering: .sequentiallyConsistent)
            record.withLock { record in
                record.inFlight += 1
                if record.inFlight > 1 { record.overlapped = true }
            }
            try? await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
            record.withLock { record in
                record.inFlight -= 1
                if taken { record.received.append(report) }
            }
            return taken
        }
    }

    @Test("reports from many tasks at once go one at a time, and the last one received is the newest")
    func serializedNewestLast() async {
        let sender = ReportSender()
        let receiver = Receiver()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    receiver.current.add(1, ordering: .sequentiallyConsistent)
                    await sender.send { await receiver.deliver() }
                }
            }
        }
        let record = receiver.record.withLock { $0 }
        #expect(!record.overlapped)
        #expect(record.received.last == 40)
        // Changes made while a report was in flight share the next one.
        #expect(record.received.count < 40)
        #expect(!sender.isBehind)
    }

    @Test("a refused report leaves the sender behind until a later report is taken")
    func refusedThenRetried() async {
        let sender = ReportSender()
        let receiver = Receiver()
        receiver.current.store(1, ordering: .sequentiallyConsistent)
        await sender.send { await receiver.deliver(taking: false) }
        #expect(sender.isBehind)
        await sender.send { await receiver.deliver() }
        #expect(!sender.isBehind)
        #expect(receiver.record.withLock { $0.received } == [1])
    }
}
