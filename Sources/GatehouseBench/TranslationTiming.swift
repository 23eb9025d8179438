import EnvoyTranslator
import Foundation
import GatewayModel
import GatewayTranslator

/// (d) Full translation of N routes, offline: snapshot build, stage 1, stage 2.
enum TranslationTiming {
    struct Result {
        var routes: Int
        var snapshot: Duration
        var gatewayStage: Duration
        var envoyStage: Duration
        /// One route added next to the others, as the control plane does it: applied to the
        /// kept snapshot, stage 1 with its memo, stage 2.
        var incrementalSnapshot: Duration
        var incrementalGatewayStage: Duration
        var incrementalEnvoyStage: Duration
        var report: String {
            let total = snapshot + gatewayStage + envoyStage
            let incremental = incrementalSnapshot + incrementalGatewayStage + incrementalEnvoyStage
            return """
            (d) full translation of \(routes) HTTPRoutes (one Gateway, one listener):
                snapshot decode  \(milliseconds(snapshot)) ms
                GatewayTranslator \(milliseconds(gatewayStage)) ms
                EnvoyTranslator   \(milliseconds(envoyStage)) ms
                total            \(milliseconds(total)) ms
              one route added next to them (kept snapshot, memoized stages):
                snapshot apply   \(milliseconds(incrementalSnapshot)) ms
                GatewayTranslator \(milliseconds(incrementalGatewayStage)) ms
                EnvoyTranslator   \(milliseconds(incrementalEnvoyStage)) ms
                total            \(milliseconds(incremental)) ms
            """
        }
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return format(Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }

    static func objects(routes: Int) -> [(key: ObjectKey, object: JSONValue)] {
        var objects: [(ObjectKey, JSONValue)] = []
        func add(_ kind: ResourceKind, _ object: JSONValue) {
            var object = object
            object["apiVersion"] = .string(kind.apiVersion())
            object["kind"] = .string(kind.kind)
            object[path: ["metadata", "generation"]] = 1
            object[path: ["metadata", "creationTimestamp"]] = "2026-01-01T00:00:00Z"
            objects.append((ObjectKey(kind: kind, namespace: object.namespace, name: object.name ?? ""), object))
        }
        add(ResourceKinds.namespace, ["metadata": ["name": "bench"]])
        add(ResourceKinds.gatewayClass, ["metadata": ["name": "kuma"], "spec": ["controllerName": "gateways.kuma.io/controller"]])
        add(ResourceKinds.gateway, ["metadata": ["name": "gw", "namespace": "bench"],
                                    "spec": ["gatewayClassName": "kuma", "listeners": [["name": "http", "port": 8080, "protocol": "HTTP"]]]])
        add(ResourceKinds.service, ["metadata": ["name": "backend", "namespace": "bench"],
                                    "spec": ["ports": [["name": "http", "port": 80, "targetPort": 8080]]]])
        add(ResourceKinds.endpointSlice, ["metadata": ["name": "backend-1", "namespace": "bench", "labels": ["kubernetes.io/service-name": "backend"]],
                                          "addressType": "IPv4", "ports": [["name": "http", "port": 8080]],
                                          "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true]]]])
        for index in 0..<routes {
            add(ResourceKinds.httpRoute, route(index))
        }
        return objects
    }

    static func route(_ index: Int) -> JSONValue {
        ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
         "metadata": ["name": .string("r\(index)"), "namespace": "bench", "generation": 1, "resourceVersion": .string("\(index + 1)"),
                      "creationTimestamp": "2026-01-01T00:00:00Z"],
         "spec": ["parentRefs": [["name": "gw"]],
                  "rules": [["matches": [["path": ["type": "PathPrefix", "value": .string("/r\(index)")]]],
                             "backendRefs": [["name": "backend", "port": 80]]]]]]
    }

    static func envoyStage(_ translation: Translation, snapshot: ResourceSnapshot, memo: EnvoyTranslationMemo) -> EnvoyResources {
        var resources = EnvoyResources()
        for instance in translation.gatewayInstances {
            let routes = translation.meshHTTPRoutes.filter { $0.spec?.targetRef?.name == instance.meshGatewayName }
            let proxy = ProxyInput(instance: instance, meshGateway: translation.meshGateways.first, routes: routes,
                                   services: snapshot.services, endpointSlices: snapshot.endpointSlices)
            resources = EnvoyTranslator.translate(proxy, memo: memo)
        }
        return resources
    }

    static func run(routes: Int) throws -> Result {
        let input = objects(routes: routes)
        let clock = ContinuousClock()
        var snapshot = ResourceSnapshot()
        let snapshotTime = clock.measure { snapshot = ResourceSnapshot(objects: input) }
        var options = TranslationOptions()
        options.addressPool = try AddressPool(cidr: "127.0.100.0/24")
        var translation = Translation()
        let memo = TranslationMemo()
        let gatewayTime = clock.measure { translation = GatewayTranslator.translate(snapshot, options: options, memo: memo) }
        var resources = EnvoyResources()
        let envoyMemo = EnvoyTranslationMemo()
        let envoyTime = clock.measure { resources = envoyStage(translation, snapshot: snapshot, memo: envoyMemo) }

        let added = route(routes)
        let applyTime = clock.measure {
            snapshot.apply(key: ObjectKey(kind: ResourceKinds.httpRoute, namespace: "bench", name: "r\(routes)"), object: added)
        }
        let incrementalGatewayTime = clock.measure { translation = GatewayTranslator.translate(snapshot, options: options, memo: memo) }
        let incrementalEnvoyTime = clock.measure { resources = envoyStage(translation, snapshot: snapshot, memo: envoyMemo) }
        _ = resources
        return Result(routes: routes, snapshot: snapshotTime, gatewayStage: gatewayTime, envoyStage: envoyTime,
                      incrementalSnapshot: applyTime, incrementalGatewayStage: incrementalGatewayTime,
                      incrementalEnvoyStage: incrementalEnvoyTime)
    }
}
