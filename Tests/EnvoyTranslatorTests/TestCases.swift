import Foundation
import GatewayModel
import ManifestIO
import TestCertificates
import TestSupport

@testable import EnvoyTranslator

/// A golden case: `Testdata/<name>.in.yaml`, a multi-document YAML holding one
/// `kind: TestInstance` document (the `GatewayInstance`: `namespace`, `name`, optional
/// `meshGatewayName` (default `<name>.<namespace>`), `mesh`, `address`, `listeners`; and
/// `endpoints: edsFiles` to translate with `EndpointDelivery.edsFiles`; and `certificates`, key
/// pairs made for the run, see `CertificateFixtures`), then any number of MeshGateway,
/// MeshHTTPRoute, Service, EndpointSlice and mesh secret (`Secret` of type
/// `system.kuma.io/secret`, its value a `{{mesh-secret NAME}}` placeholder) documents.
struct GoldenCase: Sendable, CustomStringConvertible {
    /// The file name without `.in.yaml`.
    var name: String
    /// The parsed input.
    var input: ProxyInput
    /// How the case delivers endpoints.
    var endpoints: EndpointDelivery
    /// The certificates made for this run.
    var fixtures = CertificateFixtures()

    /// The translation of the case (of `input` instead of the case's own, when given).
    func translate(input: ProxyInput? = nil) -> EnvoyResources {
        EnvoyTranslator.translate(input ?? self.input, endpoints: endpoints)
    }

    var description: String { name }

    /// The golden files (`Testdata` beside this file).
    static let goldens = GoldenDirectory(regenerateCommand: "UPDATE_GOLDEN=1 swift test --filter EnvoyTranslatorTests")

    /// The directory of the golden files.
    static var directory: URL { goldens.url }

    /// Every case name, sorted.
    static func allNames() -> [String] { goldens.caseNames() }

    /// Loads one case.
    static func load(_ name: String) throws -> GoldenCase {
        let text = try goldens.input(name)
        let instance = try Manifests.decode(text).first { $0["kind"]?.stringValue == "TestInstance" }
        let endpoints: EndpointDelivery = instance?["endpoints"]?.stringValue == "edsFiles" ? .edsFiles : .inline
        let fixtures = try CertificateFixtures(specification: instance?["certificates"])
        return GoldenCase(name: name, input: try parse(text, fixtures: fixtures), endpoints: endpoints, fixtures: fixtures)
    }

    /// Parses the documents of a case file into a `ProxyInput`.
    static func parse(_ text: String, fixtures: CertificateFixtures = CertificateFixtures()) throws -> ProxyInput {
        var instance: GatewayInstance?
        var meshGateway: MeshGateway?
        var routes: [MeshHTTPRoute] = []
        var tcpRoutes: [MeshTCPRoute] = []
        var services: [Service] = []
        var slices: [EndpointSlice] = []
        var secrets: [MeshSecret] = []
        for document in try Manifests.decode(text).map(fixtures.substituting) {
            switch document["kind"]?.stringValue {
            case "TestInstance": instance = try gatewayInstance(document)
            case "MeshGateway": meshGateway = try document.decode(MeshGateway.self)
            case "MeshHTTPRoute": routes.append(try document.decode(MeshHTTPRoute.self))
            case "MeshTCPRoute": tcpRoutes.append(try document.decode(MeshTCPRoute.self))
            case "Service": services.append(try document.decode(Service.self))
            case "EndpointSlice": slices.append(try document.decode(EndpointSlice.self))
            case "Secret":
                guard let secret = MeshSecret(storedObject: document) else { throw TestInputError("not a mesh secret: \(document.name ?? "")") }
                secrets.append(secret)
            case let other: throw TestInputError("unexpected document kind \(other ?? "<none>")")
            }
        }
        guard let instance else { throw TestInputError("no TestInstance document") }
        return ProxyInput(instance: instance, meshGateway: meshGateway, routes: routes, services: services, endpointSlices: slices,
                          secrets: secrets, tcpRoutes: tcpRoutes)
    }

    private static func gatewayInstance(_ document: JSONValue) throws -> GatewayInstance {
        guard let namespace = document["namespace"]?.stringValue, let name = document["name"]?.stringValue else {
            throw TestInputError("TestInstance needs namespace and name")
        }
        let listeners = try (document["listeners"] ?? .array([])).decode([InstanceListener].self)
        return GatewayInstance(
            namespace: namespace, name: name,
            meshGatewayName: document["meshGatewayName"]?.stringValue ?? "\(name).\(namespace)",
            mesh: document["mesh"]?.stringValue ?? "default",
            address: document["address"]?.stringValue,
            listeners: listeners)
    }
}

/// A malformed test input.
struct TestInputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
