import Foundation
import GatewayModel
import Harness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on loopback that completes handshakes (the kernel does, from its backlog)
/// and never answers: a server that hangs.
final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listening >= 0 else { throw HarnessError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listening, 16) == 0 else {
            close(listening)
            throw HarnessError("bind()/listen() failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        descriptor = listening
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() { close(descriptor) }
}

/// The CLI gives up on servers that never answer, and its exit codes say what kind of failure it was.
@Suite("gatehouse CLI hardening", .serialized)
struct CLIHardeningTests {
    func gatehouse(_ arguments: [String], server: String, input: String? = nil, timeout: Double = 60) async throws -> CommandResult {
        try await runCommand(try gatehouseBinary().path, arguments, environment: ["GATEHOUSE_SERVER": server], input: input,
                             timeoutSeconds: timeout)
    }

    @Test("get, apply, delete and describe give up after --request-timeout with exit 1 on a server that never answers")
    func requestTimeout() async throws {
        let listener = try SilentListener()
        defer { listener.stop() }
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n"
        let commands: [[String]] = [
            ["get", "gateways"], ["apply", "-f", "-"], ["delete", "configmap", "c"], ["describe", "gateway", "kuma"],
        ]
        for command in commands {
            let start = ContinuousClock.now
            let result = try await gatehouse(command + ["--request-timeout", "1s"], server: listener.url,
                                             input: command[0] == "apply" ? configMap : nil, timeout: 20)
            let took = ContinuousClock.now - start
            #expect(result.status == 1, "\(command): exit \(result.status): \(result.error)")
            #expect(result.error.contains("timed out") || result.error.contains("timeout"), "\(command): \(result.error)")
            #expect(took < .seconds(8), "\(command) took \(took)")
        }
    }

    @Test("apply of nothing says so and exits 1; runtime errors exit 1, usage errors 64")
    func exitCodes() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let emptyStdin = try await gatehouse(["apply", "-f", "-"], server: server.server, input: "")
        #expect(emptyStdin.status == 1, "\(emptyStdin.status)")
        #expect(emptyStdin.error.contains("no objects passed to apply"), "\(emptyStdin.error)")
        let emptyFile = server.dataDirectory.appendingPathComponent("empty.yaml")
        try Data("# nothing here\n---\n".utf8).write(to: emptyFile)
        let fromFile = try await gatehouse(["apply", "-f", emptyFile.path], server: server.server)
        #expect(fromFile.status == 1 && fromFile.error.contains("no objects passed to apply"), "\(fromFile.status) \(fromFile.error)")

        let missingFile = try await gatehouse(["apply", "-f", "/nonexistent/manifest.yaml"], server: server.server)
        #expect(missingFile.status == 1, "a missing file is a runtime error: \(missingFile.status) \(missingFile.error)")
        #expect(missingFile.error.contains("does not exist"))
        let unknownKind = try await gatehouse(["get", "widgets"], server: server.server)
        #expect(unknownKind.status == 1, "an unknown kind is a runtime error: \(unknownKind.status)")
        let broken = try await gatehouse(["apply", "-f", "-"], server: server.server, input: "kind: [unclosed")
        #expect(broken.status == 1, "\(broken.status) \(broken.error)")

        let usage = try await gatehouse(["get"], server: server.server)
        #expect(usage.status == 64, "a missing argument is a usage error: \(usage.status)")
        let badFlag = try await gatehouse(["get", "gateways", "--request-timeout", "soon"], server: server.server)
        #expect(badFlag.status == 64, "a bad flag value is a usage error: \(badFlag.status) \(badFlag.error)")
    }
}
