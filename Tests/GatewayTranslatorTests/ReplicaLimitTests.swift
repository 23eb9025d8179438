import GatewayModel
import GatewayTranslator
import ManifestIO
import Testing

/// `--max-replicas`: a MeshGatewayConfig asking for more gateway replicas than the control
/// plane runs is stored, but its class is not accepted and its Gateways say why.
@Suite struct ReplicaLimitTests {
    static func input(replicas: Int) -> String {
        """
        apiVersion: kuma.io/v1alpha1
        kind: MeshGatewayConfig
        metadata: {name: big}
        spec: {replicas: \(replicas)}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: kuma}
        spec:
          controllerName: gateways.kuma.io/controller
          parametersRef: {group: kuma.io, kind: MeshGatewayConfig, name: big}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web, namespace: default}
        spec:
          gatewayClassName: kuma
          listeners: [{name: http, port: 80, protocol: HTTP}]
        """
    }

    static func condition(_ translation: Translation, _ kind: ResourceKind, _ name: String, namespace: String? = nil) -> JSONValue? {
        let key = ObjectKey(kind: kind, namespace: namespace, name: name)
        let status = translation.statuses.first { $0.key == key }?.status
        return status?["conditions"]?.arrayValue?.first { $0["type"] == "Accepted" }
    }

    @Test("replicas above the limit: class and Gateway not accepted, with the limit named; no instance")
    func aboveLimit() throws {
        let (snapshot, _) = try TranslatorHarness.load(Self.input(replicas: 17))
        let options = TranslationOptions(maxReplicas: 16)
        let translation = GatewayTranslator.translate(snapshot, options: options)
        let classCondition = try #require(Self.condition(translation, ResourceKinds.gatewayClass, "kuma"))
        #expect(classCondition["status"] == "False")
        #expect(classCondition["reason"] == "InvalidParameters")
        let message = classCondition["message"]?.stringValue ?? ""
        #expect(message.contains("17") && message.contains("16") && message.contains("--max-replicas"), "\(message)")
        let gatewayCondition = try #require(Self.condition(translation, ResourceKinds.gateway, "web", namespace: "default"))
        #expect(gatewayCondition["status"] == "False")
        #expect(gatewayCondition["message"]?.stringValue?.contains("--max-replicas") == true, "\(gatewayCondition)")
        #expect(translation.gatewayInstances.isEmpty, "no gateway processes for a refused config")
    }

    @Test("replicas at the limit, or no limit at all (Kubernetes mode), are accepted")
    func atLimit() throws {
        let (snapshot, _) = try TranslatorHarness.load(Self.input(replicas: 16))
        let limited = GatewayTranslator.translate(snapshot, options: TranslationOptions(maxReplicas: 16))
        #expect(Self.condition(limited, ResourceKinds.gatewayClass, "kuma")?["status"] == "True")
        #expect(limited.gatewayInstances.first?.replicas == 16)
        let (large, _) = try TranslatorHarness.load(Self.input(replicas: 500))
        let unlimited = GatewayTranslator.translate(large, options: TranslationOptions())
        #expect(Self.condition(unlimited, ResourceKinds.gatewayClass, "kuma")?["status"] == "True")
    }
}
