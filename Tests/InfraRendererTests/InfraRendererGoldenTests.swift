import GatewayModel
import GatewayTranslator
import InfraRenderer
import ManifestIO
import TestSupport
import Testing

/// Goldens of the infrastructure path: Kubernetes objects (`.in.yaml`, as the stage-1 cases)
/// -> stage 1 -> `InfraRenderer` -> the objects the writer stores (`.out.yaml`), headed by
/// each GatewayClass's and Gateway's `Accepted` condition, so a case whose config is refused
/// shows why nothing was rendered.
@Suite("Infra renderer golden files (Gateways to MeshGatewayInstance, Service, Deployment)")
struct InfraRendererGoldenTests {
    static let directory = GoldenDirectory(regenerateCommand: "UPDATE_GOLDEN=1 swift test --filter InfraRendererTests")
    static let options = InfraOptions(controlPlaneURL: "http://127.0.0.1:5681")
    /// Kubernetes mode's options: an https control plane with its CA, service-account tokens
    /// instead of a token Secret, the agent's probes.
    static let kubernetesOptions = InfraOptions(
        controlPlaneURL: "https://gatehouse-control-plane.kuma-system.svc:5681",
        extraAgentArguments: ["--metrics-address=0.0.0.0:9902"],
        controlPlaneCACertificate: "-----BEGIN CERTIFICATE-----\nMIIB(test CA)\n-----END CERTIFICATE-----\n",
        tokenFromSecret: false, agentProbePort: 9902)

    /// The options of a case: Kubernetes mode's for `kubernetes-mode*` cases.
    static func options(for name: String) -> InfraOptions { name.hasPrefix("kubernetes-mode") ? kubernetesOptions : options }

    @Test("there are cases")
    func casesExist() { #expect(Self.directory.caseNames().count >= 6) }

    @Test("rendered objects match the golden file", arguments: InfraRendererGoldenTests.directory.caseNames())
    func golden(_ name: String) throws {
        let (snapshot, translationOptions, _) = try GoldenSnapshot.load(Self.directory.input(name))
        let translation = GatewayTranslator.translate(snapshot, options: translationOptions)
        let objects = InfraRenderer.render(translation.gatewayInstances, options: Self.options(for: name))
        let actual = Manifests.yaml(["accepted": .array(Self.acceptance(translation)), "objects": .array(objects)])
        if let mismatch = try Self.directory.mismatch(name, actual: actual) { Issue.record(Comment(rawValue: mismatch)) }
    }

    @Test("every rendered object passes the API server's validation", arguments: InfraRendererGoldenTests.directory.caseNames())
    func renderedObjectsAreValid(_ name: String) throws {
        let (snapshot, translationOptions, _) = try GoldenSnapshot.load(Self.directory.input(name))
        let translation = GatewayTranslator.translate(snapshot, options: translationOptions)
        for rendered in InfraRenderer.render(translation.gatewayInstances, options: Self.options(for: name)) {
            // As the writer stores them: with the stored instance's uid.
            let object = InfraRenderer.withInstanceUID(rendered, "0c9f4b1e-0000-4000-8000-00000000beef")
            let kind = try #require(ResourceKinds.lookup(apiVersion: object["apiVersion"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? ""))
            let result = ObjectValidation.validate(object, kind: kind)
            #expect(result.causes.isEmpty, "\(name): \(kind.kind) \(object.name ?? ""): \(result.causes)")
            #expect(result.unknownFields.isEmpty, "\(name): \(kind.kind) \(object.name ?? "") has fields the schema does not know: \(result.unknownFields)")
        }
    }

    @Test("rendering is deterministic and independent of instance order")
    func deterministic() throws {
        let (snapshot, translationOptions, _) = try GoldenSnapshot.load(Self.directory.input("multi-namespace"))
        let instances = GatewayTranslator.translate(snapshot, options: translationOptions).gatewayInstances
        #expect(instances.count >= 2)
        let forward = InfraRenderer.render(instances, options: Self.options)
        let perInstance = instances.reversed().map { InfraRenderer.render($0, options: Self.options) }.reversed().flatMap { $0 }
        #expect(forward == Array(perInstance))
    }

    @Test("no stale golden outputs")
    func noStaleOutputs() throws {
        for file in try Self.directory.staleOutputs() { Issue.record("\(file) has no input; run: \(Self.directory.regenerateCommand)") }
    }

    /// `Accepted` of every GatewayClass and Gateway: `<kind> <name>: <status> <reason>`.
    static func acceptance(_ translation: Translation) -> [JSONValue] {
        translation.statuses.compactMap { update in
            guard update.key.plural == "gatewayclasses" || update.key.plural == "gateways" else { return nil }
            let accepted = (update.status["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Accepted" }
            let name = update.key.namespace.isEmpty ? update.key.name : "\(update.key.namespace)/\(update.key.name)"
            return .string("\(update.key.plural) \(name): \(accepted?["status"]?.stringValue ?? "?") \(accepted?["reason"]?.stringValue ?? "")")
        }
    }
}
