@testable import Dataplane
import Foundation
import GatewayModel
import Testing

/// The config stream is read while a version is being checked: messages that arrive meanwhile
/// are folded into one newest version, and the check in progress is hurried.
@Suite("Config inbox and acceptance interrupt")
struct ConfigInboxTests {
    static func file(_ name: String, _ text: String) -> XDSFile {
        XDSFile(type: .routes, name: name, path: "rds/\(name).json", resources: Array(text.utf8))
    }

    @Test("messages that arrive together are taken as their newest version; finish ends the taking")
    func foldsWhatArrivedMeanwhile() async throws {
        let inbox = ConfigInbox()
        let first = Self.file("a", "[1]"), second = Self.file("b", "[2]")
        inbox.add([ConfigPush(version: "v1", files: [first], paths: [first.path])])
        inbox.add([ConfigPush(version: "v2", files: [second], paths: [first.path, second.path])])
        let taken = try #require(await inbox.next())
        #expect(taken.desired.version == "v2")
        #expect(taken.desired.files.map(\.path) == [first.path, second.path])
        inbox.finish()
        #expect(await inbox.next() == nil)
    }

    @Test("a waiting taker wakes for a message")
    func wakesTheTaker() async throws {
        let inbox = ConfigInbox()
        let taker = Task { await inbox.next()?.desired.version }
        try await Task.sleep(for: .milliseconds(20))
        let only = Self.file("a", "[1]")
        inbox.add([ConfigPush(version: "v7", files: [only], paths: [only.path])])
        #expect(await taker.value == "v7")
    }

    @Test("a message raises the interrupt, which ends a long wait at once; taking the version resets it")
    func interruptEndsTheWait() async throws {
        let inbox = ConfigInbox()
        let started = ContinuousClock.now
        let sleeper = Task { await inbox.interrupt.sleep(for: .seconds(30), clock: ContinuousClock()) }
        try await Task.sleep(for: .milliseconds(20))
        let only = Self.file("a", "[1]")
        inbox.add([ConfigPush(version: "v1", files: [only], paths: [only.path])])
        await sleeper.value
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(inbox.interrupt.isRaised)
        _ = await inbox.next()
        #expect(!inbox.interrupt.isRaised)
    }
}
