// Where `--events` (or the pipeline's `events:` list) sends events: stdout, an MQTT broker, a webhook.
import Foundation

/// One entry of `--events`: `stdout`, `mqtt://[user[:password]@]host[:port][/prefix]`, `mqtts://…` (TLS),
/// `http://…` or `https://…` (a webhook).
public enum SinkAddress: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    case stdout
    case mqtt(MQTTAddress)
    case webhook(WebhookAddress)

    /// Parses one address; a malformed one is a usage error naming it (without its credentials).
    public init(parsing text: String) throws(SinkError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "stdout" {
            self = .stdout
            return
        }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw .usage("--events: \(Self.redacted(trimmed)) is not stdout or a URL (mqtt://, mqtts://, http://, https://)")
        }
        switch scheme {
        case "mqtt", "mqtts": self = .mqtt(try MQTTAddress(components, tls: scheme == "mqtts"))
        case "http", "https": self = .webhook(try WebhookAddress(components))
        default:
            throw .usage("--events: \(Self.redacted(trimmed)): unknown scheme \(scheme) (use stdout, mqtt, mqtts, http or https)")
        }
    }

    /// Parses a comma-separated list. A piece that does not start a new address (`stdout` or `scheme://`) belongs
    /// to the previous one, so a webhook URL may keep commas in its query.
    public static func list(_ text: String) throws(SinkError) -> [SinkAddress] {
        var pieces: [String] = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            if trimmed == "stdout" || trimmed.contains("://") || pieces.isEmpty {
                pieces.append(trimmed)
            } else {
                pieces[pieces.count - 1] += "," + piece
            }
        }
        var addresses: [SinkAddress] = []
        for piece in pieces {
            guard !piece.isEmpty else { throw .usage("--events: an empty entry in \(Self.redacted(text))") }
            addresses.append(try SinkAddress(parsing: piece))
        }
        return addresses
    }

    /// The address as logs may show it: no user, password, query or fragment.
    public var description: String {
        switch self {
        case .stdout: "stdout"
        case .mqtt(let address): address.description
        case .webhook(let address): address.description
        }
    }

    /// The same as `description`.
    public var debugDescription: String { description }

    /// `text` with anything between `://` and `@` (credentials) and everything from `?` on removed.
    static func redacted(_ text: String) -> String {
        var shown = text
        if let query = shown.firstIndex(where: { $0 == "?" || $0 == "#" }) { shown = String(shown[..<query]) }
        if let scheme = shown.range(of: "://"), let at = shown[scheme.upperBound...].lastIndex(of: "@") {
            shown.removeSubrange(scheme.upperBound...at)
        }
        return shown
    }
}

/// An MQTT broker and the topic prefix vigil publishes under.
public struct MQTTAddress: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var host: String
    public var port: Int
    public var username: String?
    /// From the URL, `VIGIL_MQTT_PASSWORD` or `--mqtt-password-file`; never printed.
    public var password: String?
    /// Topics start with this (default `vigil`).
    public var prefix: String
    /// mqtts://: TLS with certificate verification.
    public var usesTLS: Bool

    /// An address; the port defaults to 1883 (8883 with TLS).
    public init(host: String, port: Int? = nil, username: String? = nil, password: String? = nil, prefix: String = "vigil", usesTLS: Bool = false) {
        self.host = host
        self.port = port ?? (usesTLS ? 8883 : 1883)
        self.username = username
        self.password = password
        self.prefix = prefix
        self.usesTLS = usesTLS
    }

    init(_ components: URLComponents, tls: Bool) throws(SinkError) {
        let shown = "\(tls ? "mqtts" : "mqtt")://\(components.host ?? "")"
        guard let host = components.host, !host.isEmpty else { throw .usage("--events: \(shown)…: no broker host") }
        if let port = components.port, !(1...65535).contains(port) {
            throw .usage("--events: \(shown): port \(port) is outside 1-65535")
        }
        if components.query != nil || components.fragment != nil {
            throw .usage("--events: \(shown): an MQTT address takes no ?query or #fragment")
        }
        var prefix = components.path
        while prefix.hasPrefix("/") { prefix.removeFirst() }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if prefix.isEmpty { prefix = "vigil" }
        guard !prefix.contains("+"), !prefix.contains("#"), !prefix.contains("//") else {
            throw .usage("--events: \(shown): topic prefix \(prefix) may not contain +, # or an empty level")
        }
        self.init(
            host: host, port: components.port, username: components.user.flatMap { $0.isEmpty ? nil : $0 },
            password: components.password, prefix: prefix, usesTLS: tls)
    }

    /// `mqtt://user@host:port/prefix`, without the password.
    public var description: String {
        "\(usesTLS ? "mqtts" : "mqtt")://\(username.map { "\($0)@" } ?? "")\(host):\(port)/\(prefix)"
    }

    /// The same as `description`: the password never reaches a log, even through `debugPrint` or `dump`.
    public var debugDescription: String { description }
}

/// A URL events are POSTed to.
public struct WebhookAddress: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The full URL, credentials and query included (used only to send).
    public var url: String
    /// Scheme, host, port and path only, for logs.
    public var description: String

    /// The same as `description`.
    public var debugDescription: String { description }

    init(_ components: URLComponents) throws(SinkError) {
        guard let host = components.host, !host.isEmpty, let url = components.string else {
            throw .usage("--events: \(SinkAddress.redacted(components.string ?? "webhook URL")): no host")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw .usage("--events: \(components.scheme ?? "")://\(host): port \(port) is outside 1-65535")
        }
        self.url = url
        description = "\(components.scheme ?? "http")://\(host)\(components.port.map { ":\($0)" } ?? "")\(components.path)"
    }
}
