extension OpenAPI {
    /// Reduced but correct schemas of the core kinds this server serves, and of ObjectMeta:
    /// the fields Gatehouse reads or keeps, with Kubernetes' own descriptions shortened, and the
    /// list-merge extensions kubectl needs to compute strategic merge patches (`ports` by
    /// `port`, as Kubernetes declares them). Everything else a client sends is preserved.
    /// JSON: `{"<group>/<Kind>": schema}`; the group of core kinds is empty.
    static let coreSchemasJSON = #"""
    {
      "/Namespace": {
        "description": "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
        "type": "object",
        "properties": {
          "apiVersion": {"type": "string"}, "kind": {"type": "string"},
          "spec": {"description": "Spec defines the behavior of the Namespace.", "type": "object",
            "properties": {"finalizers": {"description": "Finalizers is an opaque list of values that must be empty to permanently remove object from storage.", "type": "array", "items": {"type": "string"}}}},
          "status": {"description": "Status describes the current status of a Namespace.", "type": "object",
            "properties": {"phase": {"description": "Phase is the current lifecycle phase of the namespace: Active or Terminating.", "type": "string", "enum": ["Active", "Terminating"]}}}
        }
      },
      "/Service": {
        "description": "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.",
        "type": "object",
        "properties": {
          "apiVersion": {"type": "string"}, "kind": {"type": "string"},
          "spec": {"description": "Spec defines the behavior of a service.", "type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "properties": {
              "type": {"description": "type determines how the Service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName. Defaults to ClusterIP.", "type": "string", "enum": ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]},
              "selector": {"description": "Route service traffic to pods with label keys and values matching this selector.", "type": "object", "additionalProperties": {"type": "string"}, "x-kubernetes-map-type": "atomic"},
              "clusterIP": {"description": "clusterIP is the IP address of the service; \"None\" makes a headless service.", "type": "string"},
              "externalName": {"description": "externalName is the external reference that discovery mechanisms will return as an alias for this service (a DNS CNAME record). Requires type ExternalName.", "type": "string"},
              "ports": {"description": "The list of ports that are exposed by this service.", "type": "array",
                "x-kubernetes-list-map-keys": ["port", "protocol"], "x-kubernetes-list-type": "map",
                "x-kubernetes-patch-merge-key": "port", "x-kubernetes-patch-strategy": "merge",
                "items": {"description": "ServicePort contains information on service's port.", "type": "object", "required": ["port"],
                  "properties": {
                    "name": {"description": "The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names.", "type": "string"},
                    "port": {"description": "The port that will be exposed by this service.", "type": "integer", "format": "int32"},
                    "targetPort": {"description": "Number or name of the port to access on the pods targeted by the service.", "allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"}]},
                    "protocol": {"description": "The IP protocol for this port: TCP, UDP or SCTP. Default is TCP.", "type": "string", "default": "TCP", "enum": ["SCTP", "TCP", "UDP"]},
                    "appProtocol": {"description": "The application protocol for this port (for example http, kubernetes.io/h2c, kubernetes.io/ws): how Gatehouse speaks to the backend.", "type": "string"},
                    "nodePort": {"description": "The port on each node on which this service is exposed when type is NodePort or LoadBalancer.", "type": "integer", "format": "int32"}
                  }}}
            }},
          "status": {"description": "Most recently observed status of the service. Populated by the system.", "type": "object", "x-kubernetes-preserve-unknown-fields": true}
        }
      },
      "/Secret": {
        "description": "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
        "type": "object",
        "properties": {
          "apiVersion": {"type": "string"}, "kind": {"type": "string"},
          "type": {"description": "Used to facilitate programmatic handling of secret data, e.g. kubernetes.io/tls.", "type": "string"},
          "data": {"description": "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string.", "type": "object", "additionalProperties": {"type": "string", "format": "byte"}},
          "stringData": {"description": "stringData allows specifying non-binary secret data in string form. It is merged into the data field on write. This field is write-only.", "type": "object", "additionalProperties": {"type": "string"}},
          "immutable": {"description": "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).", "type": "boolean"}
        }
      },
      "/ConfigMap": {
        "description": "ConfigMap holds configuration data for pods to consume.",
        "type": "object",
        "properties": {
          "apiVersion": {"type": "string"}, "kind": {"type": "string"},
          "data": {"description": "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'.", "type": "object", "additionalProperties": {"type": "string"}},
          "binaryData": {"description": "BinaryData contains the binary data (base64 encoded).", "type": "object", "additionalProperties": {"type": "string", "format": "byte"}},
          "immutable": {"description": "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated.", "type": "boolean"}
        }
      },
      "/Event": {
        "description": "Event is a report of an event somewhere in the cluster. Events expire after the control plane's --event-ttl (default 1 h).",
        "type": "object", "required": ["involvedObject"],
        "properties": {
          "apiVersion": {"type": "string"}, "kind": {"type": "string"},
          "involvedObject": {"description": "The object that this event is about.", "type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "name": {"type": "string"}, "namespace": {"type": "string"}, "uid": {"type": "string"}}},
          "type": {"description": "Type of this event (Normal, Warning).", "type": "string"},
          "reason": {"description": "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", "type": "string"},
          "message": {"description": "A human-readable description of the status of this operation.", "type": "string"},
          "source": {"description": "The component reporting this event.", "type": "object", "properties": {"component": {"type": "string"}, "host": {"type": "string"}}},
          "firstTimestamp": {"description": "The time at which the event was first recorded.", "type": "string", "format": "date-time"},
          "lastTimestamp": {"description": "The time at which the most recent occurrence of this event was recorded.", "type": "string", "format": "date-time"},
          "count": {"description": "The number of times this event has occurred.", "type": "integer", "format": "int32"},
          "eventTime": {"description": "Time when this Event was first observed.", "type": "string", "format": "date-time"},
          "reportingComponent": {"description": "Name of the controller that emitted this Event.", "type": "string"},
          "reportingInstance": {"description": "ID of the controller instance.", "type": "string"},
          "action": {"description": "What action was taken/failed regarding to the Regarding object.", "type": "string"},
          "series": {"description": "Data about the Event series this event represents.", "type": "object", "x-kubernetes-preserve-unknown-fields": true}
        }
      },
      "events.k8s.io/Event": {
        "description": "Event is a report of an event somewhere in the cluster. Events expire after the control plane's --event-ttl (default 1 h).",
        "type": "object", "required": ["eventTime"],
        "properties": {
          "apiVersion": {"type": "string"}, "kind": {"type": "string"},
          "regarding": {"description": "regarding contains the object this Event is about.", "type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "name": {"type": "string"}, "namespace": {"type": "string"}, "uid": {"type": "string"}}},
          "type": {"description": "type is the type of this event (Normal, Warning).", "type": "string"},
          "reason": {"description": "reason is why the action was taken. It is human-readable.", "type": "string"},
          "note": {"description": "note is a human-readable description of the status of this operation.", "type": "string"},
          "eventTime": {"description": "eventTime is the time when this Event was first observed. It is required.", "type": "string", "format": "date-time"},
          "action": {"description": "action is what action was taken/failed regarding to the regarding object.", "type": "string"},
          "reportingController": {"description": "reportingController is the name of the controller that emitted this Event.", "type": "string"},
          "reportingInstance": {"description": "reportingInstance is the ID of the controller instance.", "type": "string"},
          "series": {"description": "series is data about the Event series this event represents.", "type": "object",
            "properties": {"count": {"type": "integer", "format": "int32"}, "lastObservedTime": {"type": "string", "format": "date-time"}}},
          "deprecatedSource": {"description": "deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type.", "type": "object", "x-kubernetes-preserve-unknown-fields": true},
          "deprecatedFirstTimestamp": {"type": "string", "format": "date-time"},
          "deprecatedLastTimestamp": {"type": "string", "format": "date-time"},
          "deprecatedCount": {"type": "integer", "format": "int32"}
        }
      },
      "discovery.k8s.io/EndpointSlice": {
        "description": "EndpointSlice represents a set of service endpoints. Gatehouse reads the slices labelled kubernetes.io/service-name of a Service as its backends.",
        "type": "object", "required": ["addressType", "endpoints"],
        "properties": {
          "apiVersion": {"type": "string"}, "kind": {"type": "string"},
          "addressType": {"description": "addressType specifies the type of address carried by this EndpointSlice: IPv4, IPv6 or FQDN.", "type": "string", "enum": ["FQDN", "IPv4", "IPv6"]},
          "endpoints": {"description": "endpoints is a list of unique endpoints in this slice.", "type": "array", "x-kubernetes-list-type": "atomic",
            "items": {"description": "Endpoint represents a single logical backend implementing a service.", "type": "object", "required": ["addresses"],
              "properties": {
                "addresses": {"description": "addresses of this endpoint, interpreted according to the slice's addressType.", "type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                "conditions": {"description": "conditions contains information about the current status of the endpoint.", "type": "object",
                  "properties": {
                    "ready": {"description": "ready indicates that this endpoint is ready to receive traffic.", "type": "boolean"},
                    "serving": {"description": "serving indicates that this endpoint is able to receive traffic.", "type": "boolean"},
                    "terminating": {"description": "terminating indicates that this endpoint is terminating.", "type": "boolean"}
                  }},
                "hostname": {"description": "hostname of this endpoint.", "type": "string"},
                "nodeName": {"description": "nodeName represents the name of the Node hosting this endpoint.", "type": "string"},
                "zone": {"description": "zone is the name of the Zone this endpoint exists in.", "type": "string"},
                "targetRef": {"description": "targetRef is a reference to a Kubernetes object that represents this endpoint.", "type": "object", "x-kubernetes-preserve-unknown-fields": true}
              }}},
          "ports": {"description": "ports specifies the list of network ports exposed by each endpoint in this slice.", "type": "array", "x-kubernetes-list-type": "atomic",
            "items": {"description": "EndpointPort represents a Port used by an EndpointSlice.", "type": "object",
              "properties": {
                "name": {"description": "name represents the name of this port; it matches the Service port's name.", "type": "string"},
                "port": {"description": "port represents the port number of the endpoint.", "type": "integer", "format": "int32"},
                "protocol": {"description": "protocol represents the IP protocol for this port: TCP, UDP or SCTP.", "type": "string"},
                "appProtocol": {"description": "The application protocol for this port.", "type": "string"}
              }}}
        }
      }
    }
    """#

    /// ObjectMeta, reduced to the fields clients set or read.
    static let objectMetaJSON = #"""
    {
      "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
      "type": "object",
      "properties": {
        "name": {"description": "Name must be unique within a namespace. Cannot be updated.", "type": "string"},
        "generateName": {"description": "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.", "type": "string"},
        "namespace": {"description": "Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the \"default\" namespace.", "type": "string"},
        "labels": {"description": "Map of string keys and values that can be used to organize and categorize (scope and select) objects.", "type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"description": "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.", "type": "object", "additionalProperties": {"type": "string"}},
        "uid": {"description": "UID is the unique in time and space value for this object. Populated by the system. Read-only.", "type": "string"},
        "resourceVersion": {"description": "An opaque value that represents the internal version of this object, used for optimistic concurrency, change detection, and the watch operation. Populated by the system. Read-only.", "type": "string"},
        "generation": {"description": "A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.", "type": "integer", "format": "int64"},
        "creationTimestamp": {"description": "CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.", "type": "string", "format": "date-time"},
        "deletionTimestamp": {"description": "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Set by the server when a graceful deletion is requested by the user.", "type": "string", "format": "date-time"},
        "deletionGracePeriodSeconds": {"description": "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.", "type": "integer", "format": "int64"},
        "finalizers": {"description": "Must be empty before the object is deleted from the registry.", "type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge"},
        "ownerReferences": {"description": "List of objects depended by this object.", "type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
          "x-kubernetes-list-map-keys": ["uid"], "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "uid", "x-kubernetes-patch-strategy": "merge"},
        "managedFields": {"description": "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.", "type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
      }
    }
    """#
}
