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

    /// Serializing a shape once and adding each sidecar's own parts gives the very bytes of
    /// serializing each sidecar on its own; the inputs `ProxyInputs.sidecars` selects once
    /// per shape are those `SidecarInput.make(for:)` selects for each Dataplane.
    @Test(arguments: SidecarCase.allNames())
    func shapeFilesEqualEachSidecarsOwn(_ name: String) throws {
        let testCase = try SidecarCase.load(name)
        let selected = ProxyInputs.sidecars(testCase.snapshot, testCase.translation(), defaultMesh: testCase.options.defaultMesh)
        #expect(selected.count == testCase.dataplanes.count)
        for dataplane in testCase.dataplanes {
            let input = try testCase.input(for: dataplane)
            let key = ProxyInputs.sidecarKey(namespace: input.namespace, name: input.name)
            #expect(selected.first { $0.key == key }?.input == input)
            let shape = try SidecarTranslator.shapeFiles(input.shape)
            #expect(SidecarTranslator.files(input, shape: shape) == (try SidecarTranslator.files(input, routeFormat: .protobuf)))
        }
    }

    /// Labels no route selects by (a pod's own, such as its template hash) leave the sidecars
    /// of one namespace with one shape; consumer routes select by the namespace tag.
    @Test func labelsNoRouteSelectsByDoNotSplitAShape() throws {
        let testCase = try SidecarCase.load("sidecar-consumer-overrides-producer")
        let translation = testCase.translation()
        let selecting = SidecarInput.selectingLabelKeys(translation.meshHTTPRoutes)
        var snapshot = testCase.snapshot
        let template = try #require(snapshot.meshDataplanes.first)
        snapshot.meshDataplanes = (0..<3).map { index in
            var dataplane = template
            dataplane.metadata?.name = "workload-\(index)"
            dataplane.metadata?.labels = ["pod-template-hash": "hash-\(index)"]
            return dataplane
        }
        let inputs = ProxyInputs.sidecars(snapshot, translation, defaultMesh: testCase.options.defaultMesh).map(\.input)
        #expect(Set(inputs.map(\.shape)).count == 1)
        #expect(selecting == [MeshMembership.namespaceTag])
    }
}
