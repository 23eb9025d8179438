@testable import ControlPlane
@testable import Dataplane
import GatewayModel
import Testing

/// The config stream's state machine, without HTTP: what a push carries given what was sent.
@Suite("ConfigStream")
struct ConfigStreamStateTests {
    static func file(_ path: String, _ content: String) -> XDSFile {
        let type: XDSFiles.ResourceType = path.hasPrefix("rds/") ? .routes : path.hasPrefix("cds/") ? .clusters : .listeners
        return XDSFile(type: type, name: "", path: path, resources: Array(content.utf8))
    }

    static let base = ProxyConfig(revision: 1, files: [file("rds/a.json", "[1]"), file("cds/clusters.json", "[2]"), file("lds/listeners.json", "[3]")])

    @Test("the first push carries every file and the revision's version")
    func firstPushCarriesEverything() throws {
        var stream = ConfigStream(runID: "run")
        let pushValue = stream.next(Self.base)
        let push = try #require(pushValue)
        #expect(push.version == "run-1")
        #expect(push.files == Self.base.files)
        #expect(push.paths == Self.base.files.map(\.path))
    }

    @Test("an unchanged config sends nothing; a changed file sends only that file")
    func onlyChangedFiles() throws {
        var stream = ConfigStream(runID: "run")
        _ = stream.next(Self.base)
        #expect(stream.next(Self.base) == nil)
        var changed = Self.base
        changed.revision = 2
        changed.files[0] = Self.file("rds/a.json", "[10]")
        let pushValue = stream.next(changed)
        let push = try #require(pushValue)
        #expect(push.files == [changed.files[0]])
        #expect(push.version == "run-2")
        #expect(push.paths == changed.files.map(\.path))
    }

    @Test("a file that goes away changes only the paths")
    func removedFile() throws {
        var stream = ConfigStream(runID: "run")
        _ = stream.next(Self.base)
        let smaller = ProxyConfig(revision: 2, files: Array(Self.base.files.dropFirst()))
        let pushValue = stream.next(smaller)
        let push = try #require(pushValue)
        #expect(push.files.isEmpty)
        #expect(push.paths == ["cds/clusters.json", "lds/listeners.json"])
        // The file coming back is sent again: the agent removed it.
        let push2Value = stream.next(ProxyConfig(revision: 3, files: Self.base.files))
        let push2 = try #require(push2Value)
        #expect(push2.files == [Self.base.files[0]])
    }

    @Test("a new revision with the files this stream already has is still announced (replicas report one version)")
    func revisionAnnounced() throws {
        var stream = ConfigStream(runID: "run")
        _ = stream.next(Self.base)
        var same = Self.base
        same.revision = 3
        let pushValue = stream.next(same)
        let push = try #require(pushValue)
        #expect(push.files.isEmpty)
        #expect(push.version == "run-3")
    }
}

/// The stream's memory of what it sent is sound: an agent that folds every push it received
/// holds exactly the files of the latest config, over a sequence of changes.
@Suite("ConfigStream and the agent's folding")
struct ConfigStreamFoldingTests {
    @Test("folding every push gives the latest config's files, over adds, edits and removals")
    func foldedEqualsFresh() throws {
        typealias Step = [String: String]
        let steps: [Step] = [
            ["rds/a.json": "[1]", "cds/clusters.json": "[c1]", "lds/listeners.json": "[l1]"],
            ["rds/a.json": "[2]", "cds/clusters.json": "[c1]", "lds/listeners.json": "[l1]"],
            ["rds/a.json": "[2]", "rds/b.json": "[b]", "cds/clusters.json": "[c2]", "lds/listeners.json": "[l1]"],
            ["rds/b.json": "[b]", "cds/clusters.json": "[c2]", "lds/listeners.json": "[l2]"],
            ["rds/a.json": "[2]", "rds/b.json": "[b]", "cds/clusters.json": "[c2]", "lds/listeners.json": "[l2]"],
        ]
        var stream = ConfigStream(runID: "r")
        var desired = DesiredConfig()
        for (index, step) in steps.enumerated() {
            let files = step.keys.sorted().map { ConfigStreamStateTests.file($0, step[$0] ?? "") }
            let config = ProxyConfig(revision: UInt64(index + 1), files: files)
            if let push = stream.next(config) { desired.fold(push) }
            #expect(Set(desired.files.map(\.path)) == Set(step.keys), "step \(index)")
            for file in desired.files { #expect(String(decoding: file.resources, as: UTF8.self) == step[file.path], "step \(index) \(file.path)") }
            #expect(desired.version == "r-\(index + 1)")
        }
    }
}
