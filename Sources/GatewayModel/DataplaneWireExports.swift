// The JSON values and the config stream's wire format live in `DataplaneWire` (which the
// Foundation-free dataplane agent shares); every user of GatewayModel sees them as before.
@_exported import DataplaneWire
