import EnvoyTranslator
import Foundation
import GatewayModel
import Harness
import Testing

/// The real Envoy accepts every golden sidecar's resources: `envoy --mode validate` on a
/// static bootstrap holding them (`StaticBootstrap`). Validate mode reads no dynamic
/// resources, so the route configuration is put inline into the listener. Without Envoy the
/// test fails: it never passes silently.
@Suite struct EnvoyValidationTests {
    static let missingEnvoy = "Envoy not found: run scripts/setup.sh (it installs Envoy into .venv), or set GATEHOUSE_ENVOY"

    @Test(arguments: SidecarCase.allNames())
    func envoyValidates(_ name: String) async throws {
        guard let envoy = envoyBinary() else {
            Issue.record(Comment(rawValue: Self.missingEnvoy))
            return
        }
        let testCase = try SidecarCase.load(name)
        for (dataplane, _, resources) in try testCase.resources() {
            let (status, output) = try await Self.validate(resources, envoy: envoy, label: "\(name)-\(dataplane)")
            #expect(status == 0, "\(name) \(dataplane): envoy --mode validate refused the resources:\n\(output)")
        }
    }

    /// The check fails on resources Envoy refuses (a misspelled field), so it can fail at all.
    @Test func aRefusedConfigurationIsDetected() async throws {
        guard let envoy = envoyBinary() else {
            Issue.record(Comment(rawValue: Self.missingEnvoy))
            return
        }
        let testCase = try SidecarCase.load(try #require(SidecarCase.allNames().first))
        var resources = try #require(try testCase.resources().first).resources
        resources.clusters[0]["connect_timout"] = "5s"
        let (status, _) = try await Self.validate(resources, envoy: envoy, label: "refused")
        #expect(status != 0)
    }

    /// Writes the static bootstrap of `resources` and runs `envoy --mode validate` on it. With
    /// `$GATEHOUSE_SIDECAR_BOOTSTRAPS` set to a directory, the bootstrap is also kept there as
    /// `<label>.json` (for running that Envoy by hand).
    static func validate(_ resources: EnvoyResources, envoy: String, label: String) async throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sidecar-bootstrap-\(UUID().uuidString).json")
        let bootstrap = Data(JSONSerializer.data(StaticBootstrap.bootstrap(resources)))
        try bootstrap.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        if let keep = ProcessInfo.processInfo.environment["GATEHOUSE_SIDECAR_BOOTSTRAPS"] {
            let safe = label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
            try bootstrap.write(to: URL(fileURLWithPath: keep).appendingPathComponent(String(safe) + ".json"))
        }
        let result = try await runCommand(envoy, ["--mode", "validate", "-c", file.path, "--log-level", "warning"])
        return (result.status, result.output + result.error)
    }
}

/// A bootstrap with a proxy's resources as `static_resources`: each listener's connection
/// manager carries its route configuration inline (`route_config`, checked as over RDS)
/// instead of `rds`, and the top-level resources lose their `@type` (static lists are typed by
/// their field).
enum StaticBootstrap {
    static func bootstrap(_ resources: EnvoyResources) -> JSONValue {
        var routeConfigurations: [String: JSONValue] = [:]
        for configuration in resources.routeConfigurations {
            guard let name = configuration["name"]?.stringValue else { continue }
            var inline = untyped(configuration)
            // Envoy checks that every routed cluster exists only for a static route_config
            // (`validate_clusters` defaults to true there, to false over RDS). Delivered over
            // RDS, the unresolved share's missing cluster answers 500 by design.
            inline["validate_clusters"] = false
            routeConfigurations[name] = inline
        }
        let listeners = resources.listeners.map { listener -> JSONValue in
            var listener = untyped(listener)
            var chains = listener["filter_chains"]?.arrayValue ?? []
            for chain in chains.indices {
                var filters = chains[chain]["filters"]?.arrayValue ?? []
                for filter in filters.indices {
                    guard var manager = filters[filter]["typed_config"],
                          let name = manager["rds"]?["route_config_name"]?.stringValue else { continue }
                    manager["rds"] = nil
                    manager["route_config"] = routeConfigurations[name] ?? ["name": .string(name)]
                    filters[filter]["typed_config"] = manager
                }
                chains[chain]["filters"] = .array(filters)
            }
            listener["filter_chains"] = .array(chains)
            return listener
        }
        return [
            "node": ["id": "sidecar-translator-test", "cluster": "sidecar-translator-test"],
            "static_resources": ["listeners": .array(listeners), "clusters": .array(resources.clusters.map(untyped))],
        ]
    }

    private static func untyped(_ resource: JSONValue) -> JSONValue {
        var resource = resource
        resource["@type"] = nil
        return resource
    }
}
