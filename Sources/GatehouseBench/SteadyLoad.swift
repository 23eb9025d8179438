import Foundation
import Harness
import Synchronization

/// A paced request stream at a fixed rate over a few URLs, bounded in time, counting every
/// answer that is not 2xx and every connection error or timeout. It paces in 10 ms ticks and
/// never has more than `maxInFlight` requests outstanding (a tick that finds the limit reached
/// records its requests as `notSent` instead of queueing them).
final class SteadyLoad: Sendable {
    /// What the load saw.
    struct Counts: Sendable {
        var sent = 0
        var ok = 0
        var non2xx: [Int: Int] = [:]
        var errors: [String: Int] = [:]
        var notSent = 0

        var failures: Int { non2xx.values.reduce(0, +) + errors.values.reduce(0, +) }
    }

    private let urls: [String]
    private let rate: Int
    private let maxInFlight: Int
    private let counts = Mutex(Counts())
    private let inFlight = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init(urls: [String], requestsPerSecond: Int, maxInFlight: Int = 256) {
        self.urls = urls
        rate = requestsPerSecond
        self.maxInFlight = maxInFlight
    }

    /// Asks `run` to return after its current tick.
    func stop() { stopped.store(true, ordering: .relaxed) }

    /// The counts so far.
    var snapshot: Counts { counts.withLock { $0 } }

    /// Sends requests until `stop()` or `seconds` have passed, then waits for the outstanding ones.
    func run(seconds: Double) async {
        let clock = ContinuousClock()
        let start = clock.now
        let tick = Duration.milliseconds(10)
        let perTick = max(1, rate / 100)
        var next = start
        var sequence = 0
        await withTaskGroup(of: Void.self) { group in
            while !stopped.load(ordering: .relaxed), clock.now - start < .seconds(seconds) {
                for _ in 0..<perTick {
                    guard inFlight.load(ordering: .relaxed) < maxInFlight else {
                        counts.withLock { $0.notSent += 1 }
                        continue
                    }
                    let url = urls[sequence % urls.count]
                    sequence += 1
                    inFlight.add(1, ordering: .relaxed)
                    group.addTask {
                        await self.send(url)
                        self.inFlight.subtract(1, ordering: .relaxed)
                    }
                }
                next = next.advanced(by: tick)
                try? await Task.sleep(until: next, clock: clock)
            }
            await group.waitForAll()
        }
    }

    private func send(_ url: String) async {
        do {
            let answer = try await HTTP.request("GET", url, timeout: 5)
            counts.withLock {
                $0.sent += 1
                if (200..<300).contains(answer.status) { $0.ok += 1 } else { $0.non2xx[answer.status, default: 0] += 1 }
            }
        } catch {
            let kind = String(describing: type(of: error)) + ": " + String(String(describing: error).prefix(80))
            counts.withLock {
                $0.sent += 1
                $0.errors[kind, default: 0] += 1
            }
        }
    }
}
