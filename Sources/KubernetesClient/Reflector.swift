import GatewayModel
import Logging

/// What a reflector reports to its cache.
public enum ReflectorUpdate: Sendable {
    /// A full list (first, and after every 410 or failed resume): the cache's contents for
    /// this scope are exactly `items`.
    case replaced(items: [JSONValue], resourceVersion: String)
    /// One change seen by the watch.
    case changed(WatchEventType, JSONValue)
    /// The watch has sent everything up to this resourceVersion.
    case bookmark(String)
}

/// Keeps one scope (a kind, cluster-wide or in one namespace, with optional selectors) in sync,
/// as client-go's Reflector: list (paginated), then watch from the list's resourceVersion
/// with bookmarks, resuming from the last resourceVersion seen when the watch ends or breaks;
/// on 410 Gone (the HTTP answer or an ERROR event with code 410) it lists again; other
/// failures wait an exponential backoff with jitter (capped), reset by a watch that worked.
public struct Reflector: Sendable {
    /// The kind kept.
    public let kind: ResourceKind
    /// Its namespace; nil for all (and for cluster-scoped kinds).
    public let namespace: String?
    /// Label and field selection.
    public let options: ListOptions
    let client: KubernetesClient
    let backoff: ExponentialBackoff
    let pageSize: Int
    let watchTimeoutSeconds: ClosedRange<Int>
    let logger: Logger

    /// Creates a reflector. Watches last a random time in `watchTimeoutSeconds` (client-go: 5-10 min).
    public init(client: KubernetesClient, kind: ResourceKind, namespace: String?, options: ListOptions = ListOptions(),
                backoff: ExponentialBackoff = ExponentialBackoff(), pageSize: Int = 500,
                watchTimeoutSeconds: ClosedRange<Int> = 300...600, logger: Logger? = nil) {
        self.client = client
        self.kind = kind
        self.namespace = kind.namespaced ? namespace : nil
        self.options = options
        self.backoff = backoff
        self.pageSize = pageSize
        self.watchTimeoutSeconds = watchTimeoutSeconds
        var logger = logger ?? client.logger
        logger[metadataKey: "kind"] = "\(kind.qualifiedPlural)"
        if let namespace { logger[metadataKey: "namespace"] = "\(namespace)" }
        self.logger = logger
    }

    /// Lists and watches until the task is cancelled, handing every update to `deliver` in
    /// order (the next update waits for `deliver` to return).
    public func run(_ deliver: @Sendable (ReflectorUpdate) async -> Void) async {
        var resourceVersion: String?
        var failures = 0
        while !Task.isCancelled {
            do throws(KubernetesError) {
                if resourceVersion == nil {
                    let listed = try await client.list(kind, namespace: namespace, options: options, pageSize: pageSize)
                    await deliver(.replaced(items: listed.items, resourceVersion: listed.resourceVersion))
                    resourceVersion = listed.resourceVersion
                }
                let started = ContinuousClock.now
                let outcome = try await watchOnce(from: resourceVersion ?? "", deliver)
                resourceVersion = outcome.resourceVersion
                if outcome.gone {
                    logger.info("watch history expired (410); listing again")
                    resourceVersion = nil
                    continue
                }
                if outcome.delivered || ContinuousClock.now - started >= .seconds(1) {
                    failures = 0
                } else {
                    // A watch the server ends at once, empty, is retried after a backoff,
                    // never in a tight loop.
                    let delay = backoff.delay(attempt: failures)
                    failures += 1
                    do { try await Task.sleep(for: delay) } catch { return }
                }
            } catch where error.isGone {
                logger.info("resourceVersion expired (410); listing again")
                resourceVersion = nil
                continue
            } catch where Task.isCancelled {
                return
            } catch {
                let delay = backoff.delay(attempt: failures)
                failures += 1
                logger.warning("list/watch failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }

    /// What one watch ended with: the last resourceVersion seen, whether it expired, and
    /// whether it delivered anything (a watch that works resets the backoff).
    struct WatchOutcome {
        var resourceVersion: String
        var gone: Bool
        var delivered: Bool
    }

    private func watchOnce(from start: String, _ deliver: @Sendable (ReflectorUpdate) async -> Void) async throws(KubernetesError) -> WatchOutcome {
        var outcome = WatchOutcome(resourceVersion: start, gone: false, delivered: false)
        let stream = client.watch(kind, namespace: namespace, options: options, resourceVersion: start,
                                  timeoutSeconds: Int.random(in: watchTimeoutSeconds))
        do {
            for try await event in stream {
                switch event.type {
                case .added, .modified, .deleted:
                    await deliver(.changed(event.type, event.object))
                case .bookmark:
                    if let version = event.object.resourceVersion { await deliver(.bookmark(version)) }
                case .error:
                    let failure = KubernetesError(status: event.object, httpCode: nil)
                    if failure.isGone {
                        outcome.gone = true
                        return outcome
                    }
                    throw failure
                }
                if let version = event.object.resourceVersion, !version.isEmpty { outcome.resourceVersion = version }
                outcome.delivered = true
            }
        } catch let error as KubernetesError {
            // A break after events were delivered resumes from the last one, without a list.
            if outcome.delivered, !error.isGone, error.reason != "Cancelled" {
                logger.info("watch broke; resuming", metadata: ["error": "\(error)", "resourceVersion": "\(outcome.resourceVersion)"])
                return outcome
            }
            throw error
        } catch {
            throw KubernetesError(code: nil, reason: "Cancelled", message: "watch of \(kind.qualifiedPlural) ended: \(error)")
        }
        return outcome
    }
}
