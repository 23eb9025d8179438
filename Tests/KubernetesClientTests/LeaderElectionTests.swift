import Foundation
import GatewayModel
import Harness
import Synchronization
import Testing
@testable import KubernetesClient

/// Two electors against one standalone API server (short timings).
@Suite(.serialized) struct LeaderElectionTests {
    /// Records every leadership change of every elector, to check that two never overlap.
    final class LeadershipLog: Sendable {
        private let entries = Mutex<[(identity: String, leader: Bool, at: ContinuousClock.Instant)]>([])
        private let leaders = Mutex<Set<String>>([])
        private let overlaps = Mutex(0)

        func record(_ identity: String, _ leader: Bool) {
            leaders.withLock { leaders in
                if leader { leaders.insert(identity) } else { leaders.remove(identity) }
                if leaders.count > 1 { overlaps.withLock { $0 += 1 } }
            }
            entries.withLock { $0.append((identity, leader, .now)) }
        }

        var overlapCount: Int { overlaps.withLock { $0 } }
        var current: Set<String> { leaders.withLock { $0 } }
        func becameLeader(_ identity: String) -> ContinuousClock.Instant? {
            entries.withLock { $0.last { $0.identity == identity && $0.leader }?.at }
        }
    }

    private static func configuration(_ identity: String, release: Bool) -> LeaseElectionConfiguration {
        LeaseElectionConfiguration(leaseName: "gatehouse-leader", namespace: "default", identity: identity,
                                   leaseDuration: .seconds(3), renewDeadline: .seconds(2), retryPeriod: .milliseconds(300),
                                   releaseOnCancel: release)
    }

    /// Runs an elector; returns the task running it.
    private static func campaign(_ elector: LeaseElector) -> Task<Void, Never> {
        Task { await elector.run() }
    }

    private static func waitFor(_ timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    @Test(arguments: [false, true])
    func theOtherTakesOverWhenTheLeaderDies(release: Bool) async throws {
        try await withStandalone { gatehouse in
            let clientA = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
            let clientB = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
            let log = LeadershipLog()
            let a = LeaseElector(client: clientA, configuration: Self.configuration("replica-a", release: release)) { log.record("replica-a", $0) }
            let b = LeaseElector(client: clientB, configuration: Self.configuration("replica-b", release: release)) { log.record("replica-b", $0) }
            // The stream of changes says the same as the callback.
            let changesOfA = a.changes()
            let streamedOfA = Mutex<[Bool]>([])
            let consumer = Task { for await leader in changesOfA { streamedOfA.withLock { $0.append(leader) } } }
            let runA = Self.campaign(a)
            let runB = Self.campaign(b)

            #expect(try await Self.waitFor(.seconds(10)) { log.current.count == 1 })
            // Both campaign for a while: one leader, renewing, never two.
            try await Task.sleep(for: .seconds(2))
            #expect(log.current.count == 1)
            let leaderIsA = log.current.contains("replica-a")
            let (leader, follower) = leaderIsA ? (a, b) : (b, a)
            let leaderRun = leaderIsA ? runA : runB
            let followerRun = leaderIsA ? runB : runA
            let lease = try #require(try await clientA.get(ResourceKinds.lease, namespace: "default", name: "gatehouse-leader"))
            #expect(lease[path: ["spec", "holderIdentity"]]?.stringValue == leader.configuration.identity)
            #expect(lease[path: ["spec", "leaseDurationSeconds"]] == 3)
            let renewTime = lease[path: ["spec", "renewTime"]]?.stringValue ?? ""
            #expect(renewTime.count == "2024-05-01T10:00:00.123456Z".count && renewTime.hasSuffix("Z"))
            let transitionsBefore = lease[path: ["spec", "leaseTransitions"]]?.integerValue ?? -1

            // The leader dies: cancelled (with or without releasing the lease).
            let killedAt = ContinuousClock.now
            leaderRun.cancel()
            await leaderRun.value
            #expect(!leader.isLeader)
            #expect(try await Self.waitFor(.seconds(3) + .milliseconds(1500)) { follower.isLeader })
            let takeover = (log.becameLeader(follower.configuration.identity) ?? .now) - killedAt
            // Within the lease duration of the last renewal the follower saw (plus its polling
            // period and slack for a loaded machine); at once after a release.
            #expect(takeover <= (release ? .milliseconds(1500) : .seconds(4)))
            if !release { #expect(takeover >= .seconds(2)) }
            let after = try #require(try await clientA.get(ResourceKinds.lease, namespace: "default", name: "gatehouse-leader"))
            #expect(after[path: ["spec", "holderIdentity"]]?.stringValue == follower.configuration.identity)
            #expect(after[path: ["spec", "leaseTransitions"]]?.integerValue ?? 0 > transitionsBefore)

            followerRun.cancel()
            await followerRun.value
            #expect(log.overlapCount == 0)
            // A's stream: not leading at first, leading for a while, not leading at the end.
            #expect(try await Self.waitFor(.seconds(2)) { streamedOfA.withLock { $0.last } == false && streamedOfA.withLock { $0.count } >= 3 })
            consumer.cancel()
            #expect(streamedOfA.withLock { $0 } == [false, true, false])
            await clientA.shutdown()
            await clientB.shutdown()
        }
    }

    @Test func aLeaderThatCannotRenewStepsDownWithinTheRenewDeadline() async throws {
        let gatehouse = try await GatehouseProcess()
        let client = try KubernetesClient(configuration: KubernetesConfiguration(server: gatehouse.server, queriesPerSecond: 0))
        let log = LeadershipLog()
        let elector = LeaseElector(client: client, configuration: Self.configuration("replica-a", release: true)) { log.record("replica-a", $0) }
        let run = Self.campaign(elector)
        let led = try await Self.waitFor(.seconds(10)) { elector.isLeader }
        #expect(led)
        // The API server goes away (a partition, as far as the leader can tell).
        let lostAt = ContinuousClock.now
        _ = await gatehouse.process.kill()
        let steppedDown = try await Self.waitFor(.seconds(5)) { !elector.isLeader }
        #expect(steppedDown)
        // Within the renew deadline (2 s) and one retry period, well before another replica
        // could take over (the 3 s lease duration after its last sight of a renewal).
        #expect(ContinuousClock.now - lostAt <= .milliseconds(2800))
        run.cancel()
        await run.value
        await client.shutdown()
        try? FileManager.default.removeItem(at: gatehouse.dataDirectory)
    }
}
