import ArgumentParser

/// `gatehouse run`'s Kubernetes-mode flags.
struct KubernetesModeOptions: ParsableArguments {
    @Flag(help: "Run against a Kubernetes API server (kubeconfig or in-cluster configuration) instead of the embedded store: replicas elect a leader with a Lease in the system namespace, gateway pods run in the cluster and fetch their config from --control-plane-url over TLS.")
    var kubernetes = false

    @Option(help: "Kubernetes mode: the kubeconfig (default: $KUBECONFIG, ~/.kube/config, else in-cluster configuration).")
    var kubeconfig: String?

    @Option(help: "Kubernetes mode: the URL gateway pods reach this control plane at (default: https://<api-address>).")
    var controlPlaneURL: String?

    @Option(help: "Kubernetes mode: watch only these namespaces (comma-separated; default: all).")
    var watchNamespaces: String?

    @Option(name: .customLong("kube-api-qps"), help: "Kubernetes mode: the client's sustained requests per second to the API server (Kuma's default).")
    var kubeAPIQPS: Double = 100

    @Option(help: "Kubernetes mode: the client's burst of requests above --kube-api-qps.")
    var kubeAPIBurst: Int = 100

    @Option(help: "Kubernetes mode: the port gateway pods' agents serve metrics and their readiness (/ready) and liveness (/healthz) probes on (Kuma's 9902); 0: no probes, a free loopback port (pods sharing one network, as standalone's local runtime runs them).")
    var dataplaneProbePort: Int = 9902

    @Option(help: "Kubernetes mode: the leader Lease's duration, as a Go duration (renewed every 2/15 of it, given up after 2/3).")
    var leaseDuration: String = "15s"

    func validate() throws {
        guard let lease = RequestTimeout.parse(leaseDuration), lease >= .seconds(1) else {
            throw ValidationError("--lease-duration: expected a duration of at least 1s such as 15s, got \"\(leaseDuration)\"")
        }
        if let controlPlaneURL, !(controlPlaneURL.hasPrefix("https://") || controlPlaneURL.hasPrefix("http://")) {
            throw ValidationError("--control-plane-url: expected an http(s) URL, got \"\(controlPlaneURL)\"")
        }
        guard kubeAPIQPS > 0, kubeAPIBurst >= 1 else {
            throw ValidationError("--kube-api-qps and --kube-api-burst: must be positive, got \(kubeAPIQPS) and \(kubeAPIBurst)")
        }
        guard (0...65535).contains(dataplaneProbePort) else {
            throw ValidationError("--dataplane-probe-port: expected a port (0 for none), got \(dataplaneProbePort)")
        }
    }

    /// `--watch-namespaces` as a set; nil: every namespace.
    var namespaces: Set<String>? {
        watchNamespaces.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }
    }
}
