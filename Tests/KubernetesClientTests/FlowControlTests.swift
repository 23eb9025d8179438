import Clocks
import Foundation
import Synchronization
import Testing
@testable import KubernetesClient

@Suite struct FlowControlTests {
    @Test func tokenBucketAllowsTheBurstThenTheRate() async throws {
        let clock = TestClock()
        let limiter = TokenBucketRateLimiter(queriesPerSecond: 2, burst: 3, clock: clock)
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(limiter.currentDelay == .milliseconds(500))
        let finished = Mutex(false)
        let waiter = Task {
            try await limiter.acquire()
            finished.withLock { $0 = true }
        }
        // Until the clock moves, the fourth request waits.
        try await Task.sleep(for: .milliseconds(50))
        #expect(finished.withLock { $0 } == false)
        await clock.advance(by: .milliseconds(499))
        try await Task.sleep(for: .milliseconds(50))
        #expect(finished.withLock { $0 } == false)
        await clock.advance(by: .milliseconds(1))
        try await waiter.value
        #expect(finished.withLock { $0 })
        // The bucket refills up to the burst, never beyond it.
        await clock.advance(by: .seconds(60))
        #expect(limiter.currentDelay == .zero)
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(limiter.currentDelay == .milliseconds(500))
    }

    @Test func clientGoDefaults() {
        let configuration = KubernetesConfiguration(server: "https://example")
        #expect(configuration.queriesPerSecond == 5)
        #expect(configuration.burst == 10)
    }

    @Test func backoffDoublesWithJitterUpToTheCap() {
        let none = ExponentialBackoff(random: { 0 })
        #expect(none.delay(attempt: 0) == .milliseconds(800))
        #expect(none.delay(attempt: 1) == .milliseconds(1600))
        #expect(none.delay(attempt: 2) == .milliseconds(3200))
        #expect(none.delay(attempt: 6) == .seconds(30))
        #expect(none.delay(attempt: 10_000) == .seconds(30))
        let most = ExponentialBackoff(random: { 0.5 })
        #expect(most.delay(attempt: 0) == .milliseconds(1200))
        #expect(most.delay(attempt: 20) == .seconds(30))
        let random = ExponentialBackoff()
        for attempt in 0..<10 {
            let delay = random.delay(attempt: attempt)
            #expect(delay >= none.delay(attempt: attempt) && delay <= .seconds(30))
        }
    }
}
