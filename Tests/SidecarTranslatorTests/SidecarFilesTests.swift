import EnvoyTranslator
import Foundation
import GatewayModel
import Testing

/// A sidecar's files are what the config stream hands its agent: JSON as `XDSFiles.files`
/// makes them, and the route configuration also encodable as protobuf, named by the listener.
@Suite struct SidecarFilesTests {
    @Test(arguments: SidecarCase.allNames())
    func filesOfEverySidecar(_ name: String) throws {
        let testCase = try SidecarCase.load(name)
        for dataplane in testCase.dataplanes {
            let input = try testCase.input(for: dataplane)
            let json = try SidecarTranslator.files(input)
            #expect(json == XDSFiles.files(for: SidecarTranslator.translate(input)))
            let protobuf = try SidecarTranslator.files(input, routeFormat: .protobuf)
            let routeFile = try #require(protobuf.first { $0.type == .routes })
            #expect(routeFile.format == .protobuf && routeFile.path.hasSuffix(".pb"))
            let listeners = try #require(protobuf.first { $0.type == .listeners })
            #expect(String(decoding: listeners.resources, as: UTF8.self).contains(routeFile.path))
        }
    }
}
