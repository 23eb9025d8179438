import CoreMetrics
import Prometheus
import Synchronization

/// The process's metrics: one Prometheus registry behind swift-metrics, bootstrapped once by
/// the executable. Libraries record through swift-metrics (`Counter`, `Timer`, `Meter`) and
/// never see this type; without a bootstrap (unit tests) their metrics go nowhere.
///
/// Rule of the registry: a metric name is always recorded with the same label names (a family
/// is either labelled or not), which every call site in Gatehouse keeps.
public enum Telemetry {
    /// The registry every metric of this process lands in.
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped = Mutex(false)

    /// Duration buckets fine enough for a control plane: most passes take well under 5 ms.
    public static let durationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .microseconds(2_500_000), .seconds(5), .seconds(10),
    ]

    /// Makes swift-metrics record into `registry` (once per process; later calls do nothing).
    public static func bootstrapMetrics() {
        let first = bootstrapped.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        MetricsSystem.bootstrap(factory)
    }

    /// The registry in Prometheus' text exposition format (version 0.0.4).
    public static func exposition() -> String {
        registry.emitToString()
    }

    /// The content type of `exposition()`.
    public static let expositionContentType = "text/plain; version=0.0.4; charset=utf-8"
}
