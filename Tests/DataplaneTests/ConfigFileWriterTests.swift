@testable import Dataplane
import Foundation
import GatewayModel
import Testing

/// The agent's file writer against a temporary directory: only changed files are written,
/// rollback puts the last good files back, unreferenced files go after the delay, and no
/// path outside the layout is ever written. Instants are passed in: nothing sleeps.
@Suite("Config file writer")
struct ConfigFileWriterTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-writer-\(UUID().uuidString)").path
    }

    static func file(_ type: XDSFiles.ResourceType, _ name: String, _ content: String) -> XDSFile {
        XDSFile(type: type, name: name, path: XDSFiles.path(type, name: type == .listeners || type == .clusters ? nil : name),
                resources: Array(content.utf8))
    }

    static func read(_ directory: String, _ path: String) -> String? {
        try? String(contentsOfFile: "\(directory)/\(path)", encoding: .utf8)
    }

    @Test("writes only files whose resources changed, stamped with the version, 0600")
    func writesChangedOnly() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try ConfigFileWriter(configDirectory: directory)
        let routes = Self.file(.routes, "r", "[{\"name\":\"r\"}]")
        let listeners = Self.file(.listeners, "", "[]")
        let first = try writer.write([routes, listeners], version: "v1", current: [routes.path, listeners.path])
        #expect(first.map(\.type) == [.routes, .listeners])
        #expect(Self.read(directory, routes.path) == #"{"version_info":"v1","resources":[{"name":"r"}]}"#)
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/\(routes.path)")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let second = try writer.write([routes, listeners], version: "v2", current: [routes.path, listeners.path])
        #expect(second.isEmpty, "unchanged resources are not rewritten, whatever the version")
    }

    @Test("a restore after a rejection puts the last good files back")
    func rollback() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try ConfigFileWriter(configDirectory: directory)
        let good = Self.file(.routes, "r", "[1]")
        _ = try writer.write([good], version: "v1", current: [good.path])
        let snapshot = writer.snapshot
        _ = try writer.write([Self.file(.routes, "r", "[2]"), Self.file(.routes, "extra", "[3]")], version: "v2",
                             current: [good.path, XDSFiles.path(.routes, name: "extra")])
        try writer.restore(snapshot)
        #expect(Self.read(directory, good.path) == #"{"version_info":"v1","resources":[1]}"#)
        // The good version's content is known again: rewriting it changes nothing.
        #expect(try writer.write([good], version: "v3", current: [good.path]).isEmpty)
    }

    @Test("files no longer named are removed only after the delay")
    func delayedRemoval() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try ConfigFileWriter(configDirectory: directory)
        let old = Self.file(.secrets, "cert", "[1]")
        let start = ContinuousClock.now
        _ = try writer.write([old], version: "v1", current: [old.path], now: start)
        _ = try writer.write([], version: "v2", current: [], now: start + .seconds(1))
        #expect(Self.read(directory, old.path) != nil, "still there while listeners may drain")
        writer.removeExpired(now: start + .seconds(1) + ConfigFileWriter.removalDelay)
        #expect(Self.read(directory, old.path) == nil)
        #expect(writer.writtenPaths.isEmpty)
    }

    @Test("paths outside the layout are refused, nothing is written")
    func refusesForeignPaths() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try ConfigFileWriter(configDirectory: directory)
        for path in ["../escape.json", "/etc/passwd", "rds/../../x", "rds/.hidden", "other/x.json", "rds/a/b.json", "rds/"] {
            let file = XDSFile(type: .routes, name: "x", path: path, resources: Array("[]".utf8))
            #expect(throws: DataplaneError.self, "\(path)") { try writer.write([file], version: "v", current: [path]) }
        }
        #expect(writer.writtenPaths.isEmpty)
    }
}

@Suite("Desired config and restart backoff")
struct DesiredConfigTests {
    @Test("messages fold: later files replace earlier ones, only the latest paths remain, write order puts references first")
    func folding() {
        var desired = DesiredConfig()
        let routes = ConfigFileWriterTests.file(.routes, "r", "[1]")
        let clusters = ConfigFileWriterTests.file(.clusters, "", "[2]")
        let listeners = ConfigFileWriterTests.file(.listeners, "", "[3]")
        desired.fold(ConfigPush(version: "v1", files: [listeners, clusters, routes], paths: [listeners.path, clusters.path, routes.path]))
        #expect(desired.files.map(\.type) == [.routes, .clusters, .listeners])
        let newRoutes = ConfigFileWriterTests.file(.routes, "r", "[9]")
        desired.fold(ConfigPush(version: "v2", files: [newRoutes], paths: [listeners.path, clusters.path, routes.path]))
        #expect(desired.version == "v2" && desired.files.first == newRoutes)
        desired.fold(ConfigPush(version: "v3", files: [], paths: [listeners.path, clusters.path]))
        #expect(desired.files.map(\.type) == [.clusters, .listeners], "a file no longer named is dropped")
    }

    @Test("restart backoff doubles to its maximum and starts over after a success")
    func backoff() {
        var backoff = RestartBackoff(initial: .milliseconds(100), maximum: .milliseconds(350))
        #expect([backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay()]
                == [.milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350)])
        backoff.succeeded()
        #expect(backoff.nextDelay() == .milliseconds(100))
    }
}
