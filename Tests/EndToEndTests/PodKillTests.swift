import Foundation
import GatewayModel
import Harness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` inside a gateway pod under traffic, with a second replica serving: the agent's
/// death costs no request (its Envoy, run by a keeper, drains instead of dying with it), and the
/// pod restarts; an Envoy's own death costs at most the requests it had in flight (real binary,
/// real Envoy, every request on a new connection).
@Suite("Gateway pod processes killed under traffic (real Envoy)", .serialized)
struct PodKillTests {
    /// One gateway pod's directory and what its processes recorded there.
    struct PodFiles {
        let directory: String

        /// The pod's directory: `<data>/pods/<namespace>_<name>_<uid prefix>`.
        init(_ server: GatehouseProcess, pod: JSONValue) throws {
            guard let name = pod.name, let uid = pod[path: ["metadata", "uid"]]?.stringValue else {
                throw HarnessError("a pod without name or uid: \(pod)")
            }
            directory = server.dataDirectory.appendingPathComponent("pods/kuma-demo_\(name)_\(uid.prefix(8))").path
        }

        /// The container's (the agent's) process id, as the local runtime recorded it.
        var agent: Int32? { Self.firstNumber(directory + "/container.pid") }
        /// Envoy's process id, as its keeper recorded it (the agent's work directory is /tmp).
        var envoy: Int32? { Self.firstNumber(directory + "/tmp/envoy.pid") }

        /// Envoys running this pod's bootstrap (keepers, whose command line names it too, left out).
        var runningEnvoys: [Int32] {
            let bootstrap = directory + "/tmp/bootstrap.json"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap(Int32.init).filter { pid in
                let arguments = PodKillTests.commandLine(pid)
                return arguments.first?.hasSuffix("/envoy") == true && arguments.contains(bootstrap)
            }.sorted()
        }

        /// Envoy keepers of this pod (their command line names its bootstrap after `--`).
        var runningKeepers: [Int32] {
            let bootstrap = directory + "/tmp/bootstrap.json"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap(Int32.init).filter { pid in
                let arguments = PodKillTests.commandLine(pid)
                return arguments.contains("envoy-keeper") && arguments.contains(bootstrap)
            }.sorted()
        }

        private static func firstNumber(_ path: String) -> Int32? {
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.split(whereSeparator: \.isWhitespace).first ?? "") }
        }
    }

    /// A process's arguments (empty when it is gone).
    static func commandLine(_ pid: Int32) -> [String] {
        let raw = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        return raw.split(separator: "\0").map(String.init)
    }

    /// Whether `pid` runs (and is not a zombie).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    static func restartCount(_ pod: JSONValue) -> Int {
        Int(pod[path: ["status", "containerStatuses"]]?.arrayValue?.first?["restartCount"]?.integerValue ?? 0)
    }

    /// Traffic through the gateway from `workers` loops of quick requests and as many of slow
    /// ones (the backend answers after 250 ms), so that requests are in flight on every replica
    /// whenever a process is killed.
    static func traffic(to address: String, workers: Int, tally: ReplicaTests.Tally) async {
        async let quick: Void = ReplicaTests.traffic(to: address, workers: workers, tally: tally)
        async let slow: Void = ReplicaTests.traffic(to: address, path: "/?delay=250ms", workers: workers, limit: 400, tally: tally)
        _ = await (quick, slow)
    }

    /// Waits until the tally has counted `more` further requests.
    static func trafficFlows(_ tally: ReplicaTests.Tally, more: Int) async throws {
        let start = tally.counts.withLock { $0.sent }
        _ = try await eventually(30, "\(more) more requests through the gateway") { () -> Bool? in
            tally.counts.withLock { $0.sent } >= start + more ? true : nil
        }
    }

    @Test("kill -9 of a gateway pod's agent under traffic: its Envoy drains, the pod restarts, no failed request, no Envoy left over")
    func killAgent() async throws {
        let seed = try await ReplicaTests.seed(replicas: 2)
        defer { seed.stop() }
        let pods = try await ReplicaTests.readyPods(seed.server, count: 2)
        let victim = try #require(pods.first)
        let files = try PodFiles(seed.server, pod: victim)
        let agent = try #require(files.agent, "the runtime recorded the pod's process")
        let oldEnvoy = try #require(files.envoy, "the keeper recorded Envoy's process")
        #expect(Self.commandLine(agent).contains("dataplane"), "the recorded process is the pod's agent: \(Self.commandLine(agent))")
        #expect(files.runningEnvoys == [oldEnvoy], "one Envoy runs the pod's bootstrap")
        #expect(Self.restartCount(victim) == 0)

        let tally = ReplicaTests.Tally()
        async let load: Void = Self.traffic(to: seed.address, workers: 3, tally: tally)
        try await Self.trafficFlows(tally, more: 50)
        #expect(kill(agent, SIGKILL) == 0)

        // The pod restarts: Running and Ready again, its restart counted, a new agent.
        let restarted = try await eventually(30, "the pod restarted and Ready") { () -> JSONValue? in
            let pods = try await InfrastructureTests.pods(seed.server)
            guard let pod = pods.first(where: { $0.name == victim.name }), Self.restartCount(pod) == 1,
                  pod[path: ["status", "phase"]] == "Running",
                  (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains(where: { $0["type"] == "Ready" && $0["status"] == "True" })
            else { return nil }
            return pod
        }
        #expect(files.agent != agent, "a new agent runs")
        // The old Envoy drained and stopped; the restarted agent's Envoy is the only one.
        _ = try await eventually(15, "the killed agent's Envoy stopped") { () -> Bool? in Self.isAlive(oldEnvoy) ? nil : true }
        let newEnvoy = try #require(files.envoy)
        #expect(newEnvoy != oldEnvoy)
        #expect(files.runningEnvoys == [newEnvoy], "exactly one Envoy for the pod: \(files.runningEnvoys)")
        #expect(restarted[path: ["status", "containerStatuses"]]?.arrayValue?.first?[path: ["lastState", "terminated"]] != nil,
                "the pod shows how its last container ended")
        try await Self.trafficFlows(tally, more: 100)
        tally.stop()
        await load
        let (sent, failures) = tally.counts.withLock { ($0.sent, $0.failures) }
        #expect(sent > 150, "traffic ran (\(sent) requests)")
        #expect(failures.isEmpty, "\(failures.count) of \(sent) requests failed: \(failures.prefix(5))")
    }

    @Test("kill -9 of a gateway pod's Envoy under traffic: the agent starts another, the other replica serves, at most the requests in flight fail")
    func killEnvoy() async throws {
        let seed = try await ReplicaTests.seed(replicas: 2)
        defer { seed.stop() }
        let pods = try await ReplicaTests.readyPods(seed.server, count: 2)
        let files = try PodFiles(seed.server, pod: try #require(pods.first))
        let agent = try #require(files.agent)
        let envoy = try #require(files.envoy)
        #expect(files.runningEnvoys == [envoy], "the recorded process is the pod's Envoy")

        let workers = 3
        let tally = ReplicaTests.Tally()
        async let load: Void = Self.traffic(to: seed.address, workers: workers, tally: tally)
        try await Self.trafficFlows(tally, more: 50)
        #expect(kill(envoy, SIGKILL) == 0)
        let replacement = try await eventually(30, "the agent started another Envoy") { () -> Int32? in
            guard let current = files.envoy, current != envoy, files.runningEnvoys == [current] else { return nil }
            return current
        }
        _ = try await ReplicaTests.readyPods(seed.server, count: 2)
        try await Self.trafficFlows(tally, more: 100)
        tally.stop()
        await load
        let (sent, failures) = tally.counts.withLock { ($0.sent, $0.failures) }
        #expect(files.agent == agent, "the pod's agent kept running (Envoy \(envoy) replaced by \(replacement))")
        #expect(sent > 150, "traffic ran (\(sent) requests)")
        // Connections waiting in the killed Envoy's accept queue move to the other replica's
        // listener (net.ipv4.tcp_migrate_req); a request Envoy had already accepted dies with
        // it: at most one per load loop.
        #expect(failures.count <= 2 * workers, "\(failures.count) of \(sent) requests failed: \(failures.prefix(5))")
        print("PodKillTests.killEnvoy: \(failures.count) of \(sent) requests failed: \(failures.prefix(5))")
    }

    @Test("kill -9 of a gateway pod's agent, then gatehouse run stops: the killed agent's keeper and Envoy stop too")
    func killAgentThenStop() async throws {
        let seed = try await ReplicaTests.seed(replicas: 1)
        defer { seed.stop() }
        let pod = try #require(try await ReplicaTests.readyPods(seed.server, count: 1).first)
        let files = try PodFiles(seed.server, pod: pod)
        let agent = try #require(files.agent)
        let envoy = try #require(files.envoy)
        #expect(files.runningEnvoys == [envoy] && files.runningKeepers.count == 1)
        #expect(kill(agent, SIGKILL) == 0)
        #expect(seed.server.stop() == 0, "a clean stop")
        _ = try await eventually(10, "no Envoy and no keeper of the pod left") { () -> Bool? in
            files.runningEnvoys.isEmpty && files.runningKeepers.isEmpty ? true : nil
        }
    }
}
