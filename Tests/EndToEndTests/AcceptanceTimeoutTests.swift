import Foundation
import GatewayModel
import Harness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A version Envoy does not show within the acceptance timeout is not reported as accepted
/// (real binary, real Envoy, stopped with SIGSTOP while a route is added).
@Suite("Acceptance timeout (real Envoy)", .serialized)
struct AcceptanceTimeoutTests {
    /// The version the seed gateway's one replica last reported accepted.
    static func acceptedVersion(_ server: GatehouseProcess) async throws -> String? {
        let items = try await HTTP.request("GET", server.server + "/gatehouse/v1/inspect/proxies").json["items"]?.arrayValue ?? []
        return items.first { $0["proxy"]?.stringValue == "kuma-demo/kuma" }?["acceptedVersion"]?.stringValue
    }

    @Test("an Envoy that does not take a version in time: its files are written again, the version is not reported accepted until Envoy shows it")
    func stoppedEnvoy() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        try await seed.waitFor(200)
        let pod = try #require(try await InfrastructureTests.pods(seed.server).first)
        let files = try PodKillTests.PodFiles(seed.server, pod: pod)
        let envoy = try #require(files.envoy)
        #expect(files.runningEnvoys == [envoy], "the recorded process is the pod's Envoy")
        let before = try #require(try await Self.acceptedVersion(seed.server))

        #expect(kill(envoy, SIGSTOP) == 0)
        defer { kill(envoy, SIGCONT) }
        try await apply(redirectRoute("while-stopped"), to: seed.server)
        let agentLog = files.directory + "/container.log"
        _ = try await eventually(40, "the agent gave up waiting for the stopped Envoy") { () -> Bool? in
            let log = (try? String(contentsOfFile: agentLog, encoding: .utf8)) ?? ""
            return log.contains("not reported as accepted until it does") ? true : nil
        }
        #expect(log(agentLog).contains("writing its files again"), "the files were written once more first")
        #expect(try await Self.acceptedVersion(seed.server) == before, "the new version is not reported accepted while Envoy is stopped")

        #expect(kill(envoy, SIGCONT) == 0)
        let after = try await eventually(20, "the version reported accepted once Envoy shows it") { () -> String? in
            let accepted = try await Self.acceptedVersion(seed.server)
            return accepted != before ? accepted : nil
        }
        #expect(!after.isEmpty)
        _ = try await eventually(10, "the route added while Envoy was stopped is served") { () -> Bool? in
            try await HTTP.exchange("GET", "http://\(seed.address):8080/while-stopped").status == 302 ? true : nil
        }
        #expect(files.runningEnvoys == [envoy], "the same Envoy serves")
    }

    private func log(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}
