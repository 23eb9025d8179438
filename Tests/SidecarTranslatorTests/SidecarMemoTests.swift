import EnvoyTranslator
import Foundation
import GatewayModel
import Testing

/// One translation memo shared by the shapes of a mesh and kept across translations gives the
/// very files that translating each sidecar without a memo gives.
@Suite struct SidecarMemoTests {
    /// Every sidecar of `testCase` (in `snapshot`), its shape serialized with `memo`, against
    /// the sidecar serialized on its own without a memo.
    static func expectSameFiles(_ testCase: SidecarCase, snapshot: ResourceSnapshot? = nil, memo: EnvoyTranslationMemo,
                                reversed: Bool = false) throws {
        let dataplanes = reversed ? testCase.dataplanes.reversed() : testCase.dataplanes
        for dataplane in dataplanes {
            let input = try testCase.input(for: dataplane, snapshot: snapshot)
            let kept = try SidecarTranslator.files(input, shape: SidecarTranslator.shapeFiles(input.shape, memo: memo))
            let fresh = try SidecarTranslator.files(input, routeFormat: .protobuf)
            let same = kept == fresh
            #expect(same, "\(testCase.name): \(dataplane.metadata?.name ?? "")")
        }
    }

    @Test(arguments: SidecarCase.allNames())
    func aKeptMemoChangesNothing(_ name: String) throws {
        let testCase = try SidecarCase.load(name)
        let memo = EnvoyTranslationMemo()
        try Self.expectSameFiles(testCase, memo: memo)
        try Self.expectSameFiles(testCase, memo: memo, reversed: true)
        try Self.expectSameFiles(testCase, memo: memo)
    }

    @Test func aKeptMemoFollowsRouteEdits() throws {
        let testCase = try SidecarCase.load("sidecar-consumer-overrides-producer")
        let memo = EnvoyTranslationMemo()
        try Self.expectSameFiles(testCase, memo: memo)
        for value in ["producer-2", "producer-3"] {
            var snapshot = testCase.snapshot
            AffectedSidecarsTests.editHeader(&snapshot, route: "shop", "catalog", to: value)
            AffectedSidecarsTests.editHeader(&snapshot, route: "frontend", "catalog-canary", to: "consumer-\(value)")
            try Self.expectSameFiles(testCase, snapshot: snapshot, memo: memo)
        }
    }

    /// A kept selection is handed back (the very lists) while its sources are unchanged, and
    /// selected afresh, equal to a selection without memo, once a route changes.
    @Test func aKeptSelectionIsReusedUntilItsSourcesChange() throws {
        let testCase = try SidecarCase.load("sidecar-consumer-overrides-producer")
        let memo = SidecarSelectionMemo(), mesh = testCase.options.defaultMesh
        let translation = testCase.translation()
        let first = ProxyInputs.sidecars(testCase.snapshot, translation, defaultMesh: mesh, memo: memo)
        let again = ProxyInputs.sidecars(testCase.snapshot, translation, defaultMesh: mesh, memo: memo)
        let fresh = ProxyInputs.sidecars(testCase.snapshot, translation, defaultMesh: mesh)
        #expect(again.map(\.input) == fresh.map(\.input))
        let storage = { (input: SidecarInput) in input.services.withUnsafeBufferPointer { $0.baseAddress } }
        #expect(zip(first, again).allSatisfy { storage($0.input) == storage($1.input) }, "the kept lists themselves")
        #expect(zip(first, fresh).allSatisfy { storage($0.input) != storage($1.input) })

        var snapshot = testCase.snapshot
        AffectedSidecarsTests.editHeader(&snapshot, route: "shop", "catalog", to: "producer-2")
        let edited = testCase.translation(snapshot)
        let afterEdit = ProxyInputs.sidecars(snapshot, edited, defaultMesh: mesh, memo: memo)
        #expect(afterEdit.map(\.input) == ProxyInputs.sidecars(snapshot, edited, defaultMesh: mesh).map(\.input))
        #expect(afterEdit.map(\.input) != first.map(\.input))
    }

    /// A MeshHTTPRoute a user wrote with one `to` entry per Service, both Services on port
    /// 8080: each entry is the first for its Service port, so both get the same entry names;
    /// the memo still keeps them apart.
    @Test func twoServicesOnOnePortInOneRouteKeepTheirOwnRules() throws {
        let testCase = try SidecarCase.parse(Self.twoServicesOneRoute, name: "two-services-one-route")
        let memo = EnvoyTranslationMemo()
        try Self.expectSameFiles(testCase, memo: memo)
        try Self.expectSameFiles(testCase, memo: memo)
        let input = try testCase.input(for: try #require(testCase.dataplanes.first))
        let routes = SidecarTranslator.translate(input).routeConfigurations.first?["virtual_hosts"]?.arrayValue ?? []
        let paths = { (host: String) in
            routes.first { $0["name"]?.stringValue == host }?["routes"]?.arrayValue?.compactMap { $0[path: ["match", "path_separated_prefix"]]?.stringValue } ?? []
        }
        #expect(paths("shop/alpha/8080") == ["/alpha"])
        #expect(paths("shop/beta/8080") == ["/beta"])
    }

    static let twoServicesOneRoute = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: kuma-system
        \(["alpha", "beta"].enumerated().map { index, name in """
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          namespace: shop
        spec:
          ports:
            - name: http
              port: 8080
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: \(name)-1
          namespace: shop
          labels:
            kubernetes.io/service-name: \(name)
        addressType: IPv4
        ports:
          - name: http
            port: 8080
        endpoints:
          - addresses: ["127.0.9.\(index + 1)"]
        """ }.joined(separator: "\n"))
        ---
        apiVersion: kuma.io/v1alpha1
        kind: MeshHTTPRoute
        metadata:
          name: both
          namespace: kuma-system
          labels:
            kuma.io/mesh: default
        spec:
          targetRef:
            kind: Mesh
          to:\(["alpha", "beta"].map { name in """

            - targetRef:
                kind: MeshService
                name: \(name)_shop_svc_8080
              rules:
                - matches:
                    - path:
                        type: PathPrefix
                        value: /\(name)
                  default:
                    backendRefs:
                      - kind: MeshService
                        name: \(name)
                        namespace: shop
                        port: 8080
        """ }.joined())
        ---
        apiVersion: kuma.io/v1alpha1
        kind: Dataplane
        metadata:
          name: client
          namespace: shop
        spec:
          networking:
            address: 127.0.9.10
            outbound:
              - address: 127.0.9.10
                port: 15001
        """
}
