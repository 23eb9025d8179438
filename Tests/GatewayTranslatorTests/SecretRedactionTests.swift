import Foundation
import GatewayModel
import GatewayTranslator
import TestCertificates
import Testing

/// Secret material stays in its redacting type from the Secret to Envoy's SDS resource: no
/// description, dump, JSON form for readers or translation output shows it, and the one form
/// meant for Envoy does.
@Suite struct SecretRedactionTests {
    let pair: TestCertificates.KeyPair

    init() throws {
        pair = try TestCertificates.selfSigned(["redaction.example.com"])
    }

    static let input = """
        kind: TestOptions
        certificates: [{name: site}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: infra}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: kuma}
        spec: {controllerName: gateways.kuma.io/controller}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: site, namespace: infra}
        type: kubernetes.io/tls
        data: {tls.crt: "{{certificate site}}", tls.key: "{{private-key site}}"}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web, namespace: infra}
        spec:
          gatewayClassName: kuma
          listeners: [{name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: site}]}}]
        """

    @Test func secretBytesNeverPrint() {
        let bytes = SecretBytes(utf8: pair.privateKeyPEM)
        var dumped = ""
        dump(bytes, to: &dumped)
        for shown in ["\(bytes)", String(describing: bytes), String(reflecting: bytes), dumped] {
            #expect(KeyMaterial.findings(in: shown, keys: [pair.privateKeyPEM]).isEmpty, "\(shown)")
        }
        #expect("\(bytes)" == "[redacted]")
        #expect(bytes.revealedText == pair.privateKeyPEM)
    }

    @Test func translationCopiesTheKeyPairButNeverShowsIt() throws {
        let (snapshot, options, fixtures) = try TranslatorHarness.loadWithFixtures(Self.input)
        let translation = GatewayTranslator.translate(snapshot, options: options)
        let copy = try #require(translation.meshSecrets.first)
        #expect(translation.meshSecrets.count == 1)
        #expect(copy.name == "gapi-infra-site" && copy.namespace == "kuma-system" && copy.mesh == "default")
        #expect(copy.source == "secret/infra/site")
        let key = try #require(fixtures.pairs["site"]?.privateKeyPEM)
        let chain = try #require(fixtures.pairs["site"]?.certificatePEM)
        // Kuma's format: the private key, then the certificate chain.
        #expect(copy.value.revealedText == key + chain)
        // The stored form carries it (for the store only); every other form does not.
        #expect(!KeyMaterial.findings(in: JSONSerializer.string(copy.storedObject()), keys: [key]).isEmpty)
        var dumped = ""
        dump(translation, to: &dumped)
        for shown in [JSONSerializer.string(copy.redactedObject()), "\(translation)", String(reflecting: translation.meshSecrets), dumped] {
            #expect(KeyMaterial.findings(in: shown, keys: [key]).isEmpty)
        }
        let meshGateway = try #require(translation.meshGateways.first)
        #expect(meshGateway.spec?.conf?.listeners?.first?.tls?.certificates?.first?.secret == "gapi-infra-site")
    }

    @Test func storedMeshSecretsAreRedactedForReaders() throws {
        let copy = MeshSecret(name: "gapi-a-b", namespace: "kuma-system", mesh: "default", source: "secret/a/b",
                              value: SecretBytes(utf8: pair.privateKeyPEM))
        let shown = MeshSecret.redacted(copy.storedObject())
        #expect(shown[path: ["data", "value"]]?.stringValue == MeshSecret.redactedValue)
        #expect(KeyMaterial.findings(in: JSONSerializer.string(shown), keys: [pair.privateKeyPEM]).isEmpty)
        #expect(MeshSecret(storedObject: copy.storedObject())?.value == copy.value, "the stored form reads back")
        // Removing the generated label does not make a copy readable: what is redacted is
        // decided by kind, type, name and namespace, which users cannot edit.
        var unlabelled = copy.storedObject()
        unlabelled[path: ["metadata", "labels"]] = nil
        #expect(MeshSecret.redacted(unlabelled, systemNamespace: "kuma-system")[path: ["data", "value"]]?.stringValue
                == MeshSecret.redactedValue)
        // A user's own Secret is not touched (the API shows Secrets as Kubernetes does): another
        // name, another type, or another namespace than a generated copy's.
        var ownName = unlabelled
        ownName[path: ["metadata", "name"]] = "mine"
        var ownType = unlabelled
        ownType["type"] = "Opaque"
        for own in [ownName, ownType] {
            #expect(MeshSecret.redacted(own, systemNamespace: "kuma-system") == own)
        }
        #expect(MeshSecret.redacted(copy.storedObject(), systemNamespace: "elsewhere") == copy.storedObject())
    }

    @Test func envoyResourcesRedactKeysExceptOnTheWire() {
        let secret = EnvoySecret(name: "gapi-a-b", certificateChain: pair.certificatePEM,
                                 privateKey: SecretBytes(utf8: pair.privateKeyPEM))
        let resources = EnvoyResources(secrets: [secret])
        let key = pair.privateKeyPEM
        #expect(!KeyMaterial.findings(in: JSONSerializer.string(resources.json), keys: [key]).isEmpty, "Envoy gets the key")
        #expect(KeyMaterial.findings(in: JSONSerializer.string(resources.redactedJSON), keys: [key]).isEmpty)
        #expect(KeyMaterial.findings(in: "\(resources)", keys: [key]).isEmpty)
        #expect(EnvoyResources(json: resources.json) == resources, "the wire form reads back")
    }
}
