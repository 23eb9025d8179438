import GatewayModel
import Testing

@Suite("Key material redaction of shown documents")
struct KeyMaterialRedactionTests {
    @Test("private keys, passwords and inline bytes are replaced at any depth; other fields stay")
    func redaction() throws {
        let dump = try JSONParser.parse("""
            {"configs": [{"dynamic_active_secrets": [{"name": "gapi-ns-tls", "secret": {"tls_certificate": {
              "certificate_chain": {"inline_string": "CERT"}, "private_key": {"inline_string": "KEY"}}}}]},
             {"listeners": [{"name": "l", "password": "p", "data": {"inline_bytes": "Qk9P"}}]}]}
            """)
        let redacted = KeyMaterialRedaction.redact(dump)
        let text = JSONSerializer.string(redacted)
        #expect(!text.contains("KEY") && !text.contains("\"p\"") && !text.contains("Qk9P"))
        #expect(text.contains("CERT") && text.contains("gapi-ns-tls"))
        #expect(redacted[path: ["configs"]]?.arrayValue?.first?[path: ["dynamic_active_secrets"]]?.arrayValue?.first?[
            path: ["secret", "tls_certificate", "private_key"]] == "[redacted]")
    }
}
