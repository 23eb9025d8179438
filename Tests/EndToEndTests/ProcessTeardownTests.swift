import Foundation
import Harness
import Processes
import Testing

/// The harness's blocking teardown (`stopBlocking` in a test's `defer`) holds cooperative
/// threads while it waits; it must still notice at once that the process it stopped exited.
@Suite("Process teardown")
struct ProcessTeardownTests {
    @Test("stopBlocking returns as soon as the process exits, even with every cooperative thread blocked in teardown")
    func stopsWithThePoolBlocked() async throws {
        // One stop per cooperative thread: none is left to record an exit.
        let width = max(2, ProcessInfo.processInfo.activeProcessorCount)
        var children: [ChildProcess] = []
        for _ in 0..<width {
            children.append(try await ChildProcess.launch(ChildProcess.Options(executable: "/bin/sleep", arguments: ["30"])))
        }
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { child.stopBlocking(grace: .seconds(10)) } }
        }
        // At most the second each stop gives the exit record, not the grace (then 10 s more
        // for the SIGKILL) that it took when it could only wait for the record.
        let took = ContinuousClock.now - started
        #expect(took < .seconds(5), "\(width) stops took \(took): each waited for its grace instead of seeing the exit")
        for child in children { #expect(await child.waitForExit(timeout: .seconds(5)) != nil) }
        // Once the pool is free, a stop returns with the exit recorded.
        let another = try await ChildProcess.launch(ChildProcess.Options(executable: "/bin/sleep", arguments: ["30"]))
        another.stopBlocking(grace: .seconds(10))
        #expect(another.termination != nil)
    }
}
