import DataplaneWire

/// The bootstrap a dataplane gives its Envoy: identity, an admin listener on loopback, and
/// listeners and clusters from the watched files of `XDSFiles` (filesystem xDS; paths relative
/// to the config directory, Envoy's working directory).
enum EnvoyBootstrap {
    static func make(nodeID: String, cluster: String, adminPort: Int = 0) -> JSONValue {
        [
            "node": ["id": .string(nodeID), "cluster": .string(cluster)],
            "admin": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": .integer(Int64(adminPort))]]],
            "dynamic_resources": [
                "lds_config": XDSFiles.configSource(.listeners),
                "cds_config": XDSFiles.configSource(.clusters),
            ],
            // Only the stats Gatehouse reads (xDS update results) and the ones users rely on;
            // DESIGN.md measured the full stat set at ~17% of Envoy's per-request cost.
            "stats_config": [
                "stats_matcher": ["inclusion_list": ["patterns": [
                    ["safe_regex": ["regex": "^(listener_manager\\.lds|cluster_manager\\.cds|sds)\\..*"]],
                    ["safe_regex": ["regex": "^http\\..*\\.rds\\..*"]],
                    ["safe_regex": ["regex": "^cluster\\..*\\.(update_.*|version_text|upstream_rq_total|upstream_cx_active)$"]],
                    ["safe_regex": ["regex": "^(server|listener_manager)\\.(state|total_listeners_active|live)$"]],
                    // For dashboards (the agent's metrics port): requests, responses by class,
                    // connections and request times per listener and per upstream cluster.
                    ["safe_regex": ["regex": "^http\\..*\\.(downstream_rq_total|downstream_rq_[1-5]xx|downstream_cx_active|downstream_rq_time)$"]],
                    ["safe_regex": ["regex": "^cluster\\..*\\.(upstream_rq_[1-5]xx|upstream_rq_time)$"]],
                ]]],
            ],
        ]
    }

    /// An empty DiscoveryResponse file for a type, so Envoy starts before the first push.
    static func emptyDiscoveryResponse() -> JSONValue {
        ["version_info": "", "resources": []]
    }
}
