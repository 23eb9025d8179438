import AsyncHTTPClient
import Foundation
import GatewayModel
import Harness
import Testing
import ControlPlane

/// `gatehouse run --secure-api` plays a kube-apiserver without anonymous access, and
/// `--controllers none` a cluster without Gatehouse installed (issue 16, item 6).
@Suite("Secure API and a cluster without controllers (real kubectl and Envoy)", .serialized)
struct SecureAPITests {
    @Test("--secure-api: TLS with its own CA, 401 without the admin token, kubectl through admin.kubeconfig, gateway pods over https; a restart keeps the kubeconfig valid")
    func secureAPI() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-secure-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var server = try await GatehouseProcess(dataDirectory: data, extraArguments: ["--secure-api"])
        defer { server.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: server.adminKubeconfig)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let kubeconfig = try String(contentsOfFile: server.adminKubeconfig, encoding: .utf8)
        let token = try #require(kubeconfig.split(separator: "\n").first { $0.contains("token:") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces))

        // Health checks are open; everything else needs the admin token, dataplane token
        // requests included (only config and status take dataplane tokens).
        try await HTTP.withClient(trusting: server.authorityFile) { client in
            #expect(try await HTTP.request("GET", server.server + "/readyz", client: client).status == 200)
            for path in ["/api/v1/namespaces", "/apis", "/gui/", "/gatehouse/v1/inspect/gateways"] {
                let anonymous = try await HTTP.request("GET", server.server + path, client: client)
                #expect(anonymous.status == 401, "\(path): \(anonymous.status)")
                #expect(anonymous.json["reason"] == "Unauthorized")
                let wrong = try await HTTP.request("GET", server.server + path, headers: ["Authorization": "Bearer \(token.hasPrefix("x") ? "y" : "x")\(token.dropFirst())"], client: client)
                #expect(wrong.status == 401, "\(path) with a wrong token: \(wrong.status)")
            }
            let tokenRequest = try await HTTP.request("POST", server.server + "/gatehouse/v1/dataplanes/token",
                                                      body: Array(#"{"namespace":"default","name":"x"}"#.utf8), client: client)
            #expect(tokenRequest.status == 401)
            let authorized = try await HTTP.request("GET", server.server + "/api/v1/namespaces",
                                                    headers: ["Authorization": "Bearer \(token)"], client: client)
            #expect(authorized.status == 200)
        }
        // TLS only: a plain HTTP request gets no answer.
        let plain = try? await HTTP.request("GET", "http://127.0.0.1:\(server.port)/readyz", timeout: 2)
        #expect(plain?.status != 200)

        // kubectl with the written kubeconfig (verifying the server against the CA).
        let kubectl = try Kubectl(kubeconfig: server.adminKubeconfig, home: data.appendingPathComponent("home"))
        let echo = try await EchoProcess(name: "demo-app-1", namespace: "kuma-demo")
        defer { echo.stop() }
        let manifests = data.appendingPathComponent("seed.yaml")
        try Data(seedManifests(echoPort: echo.port).utf8).write(to: manifests)
        let applied = try await kubectl.run("apply", "-f", manifests.path)
        #expect(applied.status == 0, "\(applied.error)")
        // The gateway pod's agent reaches the control plane over https, trusting the CA given
        // in its environment, with its dataplane token.
        let deployment = try await kubectl.run("get", "deployment", "kuma", "-n", "kuma-demo", "-o", "json")
        let container = try JSONParser.parse(deployment.output)[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
        #expect(container?["args"]?.arrayValue?.contains(.string("--control-plane=\(server.server)")) == true)
        let caVariable = container?["env"]?.arrayValue?.first { $0["name"] == "GATEHOUSE_CONTROL_PLANE_CA_CERT" }
        #expect(caVariable?["value"]?.stringValue == (try String(contentsOfFile: server.authorityFile, encoding: .utf8)))
        let address = try await eventually(30, "the seed Gateway Programmed over the secure API") { () -> String? in
            let got = try await kubectl.run("get", "gateway", "kuma", "-n", "kuma-demo", "-o", "json")
            let gateway = try JSONParser.parse(got.output)
            guard gateway[path: ["status", "conditions"]]?.arrayValue?.contains(where: { $0["type"] == "Programmed" && $0["status"] == "True" }) == true
            else { return nil }
            return gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue
        }
        let answer = try await eventually(10, "200 through the gateway") { () -> HTTPAnswer? in
            let answer = try await HTTP.request("GET", "http://\(address):8080/", timeout: 2)
            return answer.status == 200 ? answer : nil
        }
        #expect(answer.headers.first(name: "server") == "Kuma Gateway")

        // A restart keeps the CA and the token: the same kubeconfig still works.
        let port = server.port
        server.stop()
        server = try await GatehouseProcess(dataDirectory: data, port: port, extraArguments: ["--secure-api"])
        let again = try await kubectl.run("get", "gateway", "kuma", "-n", "kuma-demo")
        #expect(again.status == 0, "\(again.error)")
    }

    @Test("--controllers none: no default GatewayClass or Mesh, Gateways stay untouched, a Deployment of the gatehouse image runs as a local pod")
    func clusterWithoutControllers() async throws {
        let server = try await GatehouseProcess(extraArguments: ["--controllers", "none"])
        defer { server.stop() }
        let classes = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/gatewayclasses").json
        #expect(classes["items"]?.arrayValue?.isEmpty == true)
        let meshes = try await HTTP.json("GET", server.server + "/apis/kuma.io/v1alpha1/meshes").json
        #expect(meshes["items"]?.arrayValue?.isEmpty == true)
        let port = try freePort()
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: kuma}
            spec: {controllerName: gateways.kuma.io/controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: kuma, namespace: default}
            spec:
              gatewayClassName: kuma
              listeners: [{name: proxy, port: 8080, protocol: HTTP}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: echo, namespace: default}
            spec:
              replicas: 1
              selector: {matchLabels: {app: echo}}
              template:
                metadata: {labels: {app: echo}}
                spec:
                  containers:
                  - name: echo
                    image: gatehouse:latest
                    args: [echo, --port, "\(port)", --name, $(POD_NAME)]
                    env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
            """, to: server)
        let answer = try await eventually(20, "the echo pod answering") { () -> JSONValue? in
            let answer = try await HTTP.request("GET", "http://127.0.0.1:\(port)/", timeout: 2)
            return answer.status == 200 ? answer.json : nil
        }
        #expect(answer["pod"]?.stringValue?.hasPrefix("echo-") == true)
        let pods = try await HTTP.json("GET", server.server + "/api/v1/namespaces/default/pods").json
        #expect(pods["items"]?.arrayValue?.first?[path: ["status", "phase"]] == "Running")
        // Nothing reconciles Gateway API objects here.
        try await Task.sleep(for: .milliseconds(500))
        let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/kuma").json
        #expect(gateway["status"]?[path: ["conditions"]]?.arrayValue?.contains { $0["status"] == "True" } != true)
        let instances = try await HTTP.json("GET", server.server + "/apis/kuma.io/v1alpha1/namespaces/default/meshgatewayinstances").json
        #expect(instances["items"]?.arrayValue?.isEmpty == true)
    }
}

/// `gatehouse install control-plane` against a cluster in miniature: kubectl accepts every
/// object, in a dry run and for real, and the roles grant exactly `ControlPlaneAccess`.
@Suite("Install manifests (real kubectl)", .serialized)
struct InstallManifestTests {
    @Test("kubectl apply --dry-run=server then apply of the install manifests; CRDs, RBAC, Deployment and Service as printed")
    func applyInstallManifests() async throws {
        let server = try await GatehouseProcess(extraArguments: ["--controllers", "none"])
        defer { server.stop() }
        let printed = try await runCommand(try gatehouseBinary().path, ["install", "control-plane", "--namespace", "gatehouse-system"])
        #expect(printed.status == 0, "\(printed.error)")
        let file = server.dataDirectory.appendingPathComponent("install.yaml")
        try Data(printed.output.utf8).write(to: file)
        let kubectl = try Kubectl(server: server)

        let dryRun = try await kubectl.run("apply", "--dry-run=server", "-f", file.path)
        #expect(dryRun.status == 0, "\(dryRun.error)")
        #expect(dryRun.output.contains("customresourcedefinition.apiextensions.k8s.io/meshgatewayinstances.kuma.io created (server dry run)"))
        let namespaces = try await kubectl.run("get", "namespace", "gatehouse-system")
        #expect(namespaces.status != 0, "a dry run created the namespace")

        let applied = try await kubectl.run("apply", "-f", file.path)
        #expect(applied.status == 0, "\(applied.error)")
        for line in ["namespace/gatehouse-system created", "serviceaccount/gatehouse-control-plane created",
                     "clusterrole.rbac.authorization.k8s.io/gatehouse-control-plane created",
                     "rolebinding.rbac.authorization.k8s.io/gatehouse-control-plane created",
                     "deployment.apps/gatehouse-control-plane created", "service/gatehouse-control-plane created",
                     "gatewayclass.gateway.networking.k8s.io/kuma created"] {
            #expect(applied.output.contains(line), "missing \(line) in \(applied.output)")
        }
        let clusterRole = try JSONParser.parse(try await kubectl.run("get", "clusterrole", "gatehouse-control-plane", "-o", "json").output)
        let role = try JSONParser.parse(try await kubectl.run("get", "role", "gatehouse-control-plane", "-n", "gatehouse-system", "-o", "json").output)
        for (object, scope) in [(clusterRole, ControlPlaneAccess.Scope.cluster), (role, .systemNamespace)] {
            let granted = (object["rules"]?.arrayValue ?? []).flatMap { rule in
                (rule["resources"]?.arrayValue ?? []).flatMap { resource in
                    (rule["verbs"]?.arrayValue ?? []).map { "\(rule["apiGroups"]?.arrayValue?.first?.stringValue ?? "?") \(resource.stringValue ?? "") \($0.stringValue ?? "")" }
                }
            }
            let declared = ControlPlaneAccess.rules.filter { $0.scope == scope }.flatMap { rule in
                rule.resources.flatMap { resource in rule.verbs.map { "\(rule.apiGroup) \(resource) \($0)" } }
            }
            #expect(granted.sorted() == declared.sorted())
        }
        // The Role alone writes Secrets, and only in the system namespace.
        #expect(!ControlPlaneAccess.allows("create", "secrets", group: "", in: .cluster))
        #expect(ControlPlaneAccess.allows("create", "secrets", group: "", in: .systemNamespace))
        let crd = try JSONParser.parse(try await kubectl.run("get", "crd", "meshgatewayconfigs.kuma.io", "-o", "json").output)
        #expect(crd[path: ["spec", "scope"]] == "Cluster")
        #expect(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec"]] != nil)
        let deployment = try JSONParser.parse(try await kubectl.run("get", "deployment", "gatehouse-control-plane", "-n", "gatehouse-system", "-o", "json").output)
        let pod = deployment[path: ["spec", "template", "spec"]]
        #expect(deployment[path: ["spec", "replicas"]] == 2)
        #expect(pod?["serviceAccountName"] == "gatehouse-control-plane")
        let container = pod?["containers"]?.arrayValue?.first
        #expect(container?[path: ["securityContext", "readOnlyRootFilesystem"]] == true)
        #expect(container?[path: ["securityContext", "runAsNonRoot"]] == true)
        #expect(container?["readinessProbe"] != nil && container?["livenessProbe"] != nil)
        // A second apply changes nothing.
        let again = try await kubectl.run("apply", "-f", file.path)
        #expect(again.status == 0 && !again.output.contains(" configured"), "\(again.output)")
    }
}
