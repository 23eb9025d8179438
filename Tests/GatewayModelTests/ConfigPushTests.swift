import GatewayModel
import Testing

/// The config stream's framing: messages survive any split into network reads, and a file
/// is stamped with its version in either format.
@Suite struct ConfigPushTests {
    static let routes = XDSFile(type: .routes, name: "ns/gw/80", path: "/x/rds/ns%2Fgw%2F80.json",
                                resources: Array(#"[{"name":"ns/gw/80","virtual_hosts":[]}]"#.utf8))
    static let listeners = XDSFile(type: .listeners, name: "", path: "/x/lds/listeners.json", resources: Array("[]".utf8))
    static let binary = XDSFile(type: .routes, name: "b", path: "/x/rds/b.pb", format: .protobuf,
                                resources: [0x12, 0x03, 0x0A, 0x0A, 0x00])

    @Test func messagesSurviveEverySplit() throws {
        let first = ConfigPush(version: "v-1", files: [Self.routes, Self.listeners], paths: [Self.routes.path, Self.listeners.path])
        let second = ConfigPush(version: "v-2", files: [Self.binary], paths: [Self.binary.path, Self.listeners.path])
        let wire = first.encoded() + second.encoded()
        for split in 0...wire.count {
            var buffer: [UInt8] = []
            var received: [ConfigPush] = []
            buffer += wire[..<split]
            received += try ConfigPush.takeMessages(from: &buffer)
            buffer += wire[split...]
            received += try ConfigPush.takeMessages(from: &buffer)
            #expect(received == [first, second], "split at \(split)")
            #expect(buffer.isEmpty)
        }
    }

    @Test("heartbeats between messages carry nothing and split nothing")
    func heartbeatsAreSkipped() throws {
        let first = ConfigPush(version: "v-1", files: [Self.routes, Self.binary], paths: [Self.routes.path, Self.binary.path])
        let second = ConfigPush(version: "v-2", files: [], paths: [Self.routes.path])
        let wire = ConfigPush.heartbeat + first.encoded() + ConfigPush.heartbeat + ConfigPush.heartbeat + second.encoded() + ConfigPush.heartbeat
        for split in 0...wire.count {
            var buffer = Array(wire[..<split])
            var received = try ConfigPush.takeMessages(from: &buffer)
            buffer += wire[split...]
            received += try ConfigPush.takeMessages(from: &buffer)
            #expect(received == [first, second], "split at \(split)")
            #expect(buffer.isEmpty)
        }
    }

    @Test func aMalformedHeaderIsAnError() {
        var buffer = Array("{\"version\": 1}\n".utf8)
        #expect(throws: ConfigPushError.self) { try ConfigPush.takeMessages(from: &buffer) }
        var garbage = Array("not json\n".utf8)
        #expect(throws: ConfigPushError.self) { try ConfigPush.takeMessages(from: &garbage) }
    }

    @Test func filesCarryTheirVersion() throws {
        let json = try JSONParser.parse(Self.routes.content(version: "v \"1\""))
        #expect(json["version_info"]?.stringValue == "v \"1\"")
        #expect(json["resources"]?.arrayValue?.first?["name"]?.stringValue == "ns/gw/80")
        // Field 1 (version_info, length 3 "v-1") then the resources as given.
        #expect(Self.binary.content(version: "v-1") == [0x0A, 0x03] + Array("v-1".utf8) + Self.binary.resources)
        let long = String(repeating: "x", count: 200)
        #expect(Array(Self.binary.content(version: long).prefix(3)) == [0x0A, 0xC8, 0x01])
    }
}
