@testable import Dataplane
import Testing

/// The command line `gatehouse dataplane` and `gatehouse sidecar` hand to `gatehouse-dataplane`.
@Suite("Agent invocation")
struct AgentInvocationTests {
    @Test("what arguments writes, parsing reads back")
    func roundTrip() throws {
        var sidecar = AgentInvocation(controlPlane: "https://127.0.0.1:5681", kind: .sidecar, proxy: "shop/client-1",
                                      workDirectory: "/tmp/gatehouse-sidecar-shop-client-1-42", envoyBinary: "/opt/envoy")
        sidecar.parentPID = 17
        sidecar.metricsAddress = "127.0.0.1:0"
        sidecar.logFormat = "json"
        sidecar.logLevel = "debug"
        sidecar.removeWorkDirectory = true
        sidecar.dataplaneObjectPath = "/apis/kuma.io/v1alpha1/namespaces/shop/dataplanes/client-1"
        #expect(sidecar.arguments.first == "sidecar" && sidecar.arguments.contains("--control-plane=https://127.0.0.1:5681"))
        #expect(try AgentInvocation(kind: .sidecar, parsing: Array(sidecar.arguments.dropFirst())) == sidecar)

        var gateway = AgentInvocation(controlPlane: "http://127.0.0.1:5681", kind: .gateway, proxy: "default/gw",
                                      workDirectory: "/var/lib/gw", envoyBinary: "envoy")
        gateway.replica = "gw-abc"
        gateway.tokenFile = "/run/token"
        // What a process listing shows: the command it replaces, options as the local runtime writes them.
        #expect(gateway.arguments.first == "dataplane" && AgentInvocation.kind(ofSubcommand: "dataplane") == .gateway)
        #expect(try AgentInvocation(kind: .gateway, parsing: Array(gateway.arguments.dropFirst())) == gateway)
        #expect(try AgentInvocation(kind: .gateway, parsing: ["--control-plane", "http://a", "--proxy", "a/b", "--work-dir=/w", "--envoy", "e"])
            .workDirectory == "/w")
    }

    @Test("missing, unknown and malformed arguments are refused")
    func refusals() {
        #expect(throws: (any Error).self) { try AgentInvocation(kind: .gateway, parsing: ["--proxy", "a/b"]) }
        #expect(AgentInvocation.kind(ofSubcommand: "agent") == nil)
        #expect(throws: (any Error).self) {
            try AgentInvocation(kind: .gateway, parsing: ["--control-plane", "http://a", "--proxy", "a/b", "--work-dir", "/w", "--envoy", "e",
                                          "--token", "secret"])
        }
        #expect(throws: (any Error).self) {
            try AgentInvocation(kind: .gateway, parsing: ["--control-plane", "http://a", "--proxy", "a/b", "--work-dir", "/w", "--envoy", "e",
                                          "--parent-pid", "x"])
        }
        #expect(throws: (any Error).self) { try AgentInvocation(kind: .sidecar, parsing: ["--control-plane"]) }
    }

    @Test("file helpers: nested directories, a tree removed, text trimmed")
    func fileSystem() throws {
        let root = "/tmp/agent-invocation-tests-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.createDirectories(root + "/a/b")
        try FileSystem.write(Array(" token\n".utf8), to: root + "/a/b/token")
        #expect(FileSystem.text(of: root + "/a/b/token")?.trimmingWhitespace == "token")
        #expect(FileSystem.isDirectory(root + "/a") && !FileSystem.isExecutableFile(root + "/a/b/token"))
        FileSystem.removeTree(root)
        #expect(!FileSystem.exists(root))
        #expect(FileSystem.directory(of: "/a/b/c") == "/a/b" && FileSystem.directory(of: "/c") == "/" && FileSystem.lastComponent(of: "/a/b/c") == "c")
    }
}
